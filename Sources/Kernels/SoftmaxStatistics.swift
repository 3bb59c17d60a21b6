import Foundation

/// What the decoder needs from one logits row: p = softmax(logits).
public struct SoftmaxStatistics: Equatable, Sendable {
    /// H = −Σ p log p, in nats.
    public var entropyNats: Float
    /// argmax, ties to the lowest id.
    public var topId: Int
    public var topProbability: Float
    public var secondProbability: Float
    /// False when the row holds NaN or ±∞: the other fields are then meaningless (topId stays
    /// inside the row) and the decoder stops rather than commit from them.
    public var isFinite: Bool
    public var margin: Float { topProbability - secondProbability }

    /// Statistics of `logits[0..<count]` in two vectorised passes (top two values; then exp and the
    /// entropy sums) plus a scan for the first index of the maximum. LLaDA-8B rows are 126k wide
    /// and every masked position needs one, so this runs ~256 times per step.
    public init(logits: UnsafePointer<Float>, count: Int) {
        precondition(count > 0)
        let raw = UnsafeRawPointer(logits)
        let whole = count / 16 * 16

        // Per lane the largest and second-largest value seen (duplicates count twice).
        var laneTop = SIMD16<Float>(repeating: -.infinity), laneSecond = laneTop
        // v · 0 is 0 for a finite v and NaN for NaN or ±∞, so the sum tells whether every value is finite.
        var laneNonFinite = SIMD16<Float>()
        var i = 0
        while i < whole {
            let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            laneSecond = laneMax(laneSecond, laneMin(laneTop, v))
            laneTop = laneMax(laneTop, v)
            laneNonFinite += v * 0
            i += 16
        }
        var top = laneTop.max(), second = laneSecond.max()
        var topLaneSeen = false
        for lane in 0..<16 {
            if laneTop[lane] == top && !topLaneSeen { topLaneSeen = true } else { second = max(second, laneTop[lane]) }
        }
        var finite = laneNonFinite.sum() == 0
        for j in whole..<count {
            let v = logits[j]
            finite = finite && v.isFinite
            if v > top { second = top; top = v } else if v > second { second = v }
        }

        // Bounded: with NaN in the row, `top` need not equal any value.
        var topId = 0
        while topId < count - 1 && logits[topId] != top { topId += 1 }
        if logits[topId] != top { topId = 0 }

        var partitionLanes = SIMD16<Float>(), weightedLanes = SIMD16<Float>()
        let shift = SIMD16<Float>(repeating: top)
        i = 0
        while i < whole {
            let z = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self) - shift
            let e = exp16(z)
            partitionLanes += e
            weightedLanes.addProduct(e, z)
            i += 16
        }
        var partition = Double(partitionLanes.sum()), weighted = Double(weightedLanes.sum())
        for j in whole..<count {
            let z = logits[j] - top
            let e = exp(z)
            partition += Double(e)
            weighted += Double(e * z)
        }
        // H = log Z − Σ e·z / Z with z = logit − max and Z = Σ e.
        entropyNats = Float(max(0, log(partition) - weighted / partition))
        self.topId = topId
        isFinite = finite && partition.isFinite && weighted.isFinite
        topProbability = Float(1 / partition)
        secondProbability = count == 1 ? 0 : Float(Double(exp(second - top)) / partition)
    }
}
