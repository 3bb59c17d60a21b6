import Foundation

/// What the decoder needs from one logits row: p = softmax(logits).
public struct SoftmaxStatistics: Equatable, Sendable {
    /// H = −Σ p log p, in nats.
    public var entropyNats: Float
    /// argmax, ties to the lowest id.
    public var topId: Int
    public var topProbability: Float
    public var secondProbability: Float
    public var margin: Float { topProbability - secondProbability }

    /// Statistics of `logits[0..<count]`, one pass for the top two, one vectorised exp pass.
    public init(logits: UnsafePointer<Float>, count: Int,
                scratch: UnsafeMutablePointer<Float>? = nil) {
        precondition(count > 0)
        var best = 0, second = -1
        for i in 1..<count {
            let value = logits[i]
            if value > logits[best] {
                second = best
                best = i
            } else if second < 0 || value > logits[second] {
                second = i
            }
        }
        let maxLogit = logits[best]
        let shifted = scratch ?? UnsafeMutablePointer<Float>.allocate(capacity: count)
        defer { if scratch == nil { shifted.deallocate() } }
        for i in 0..<count { shifted[i] = logits[i] - maxLogit }
        var weightedShift: Double = 0
        var partitionSum = SIMD16<Float>(), weightedSum = SIMD16<Float>()
        let raw = UnsafeMutableRawPointer(shifted)
        var i = 0
        while i + 16 <= count {
            let z = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
            let e = exp16(z)
            partitionSum += e
            weightedSum.addProduct(e, z)
            i += 16
        }
        var partition = Double(partitionSum.sum())
        weightedShift = Double(weightedSum.sum())
        while i < count {
            let z = shifted[i]
            let e = exp(z)
            partition += Double(e)
            weightedShift += Double(e * z)
            i += 1
        }
        // H = log Z − Σ e·z / Z with z = logit − max and Z = Σ e.
        entropyNats = Float(max(0, log(partition) - weightedShift / partition))
        topId = best
        topProbability = Float(1 / partition)
        secondProbability = second < 0 ? 0 : Float(Double(exp(logits[second] - maxLogit)) / partition)
    }
}
