import Foundation
import Kernels

/// Picks a masked position's candidate token from its logits row.
public struct Sampler: Sendable {
    public let temperature: Double
    /// Never chosen: a committed mask id would still read as a mask to the model. Trained models
    /// never predict it (so LLaDA does not guard against it); random weights do.
    public let maskId: Int

    public init(temperature: Double, maskId: Int) {
        self.temperature = temperature
        self.maskId = maskId
    }

    /// T = 0: the argmax, ties to the lowest id. T > 0: Gumbel-max, argmax over v of
    /// l_v − T·log(−log u_v) in Float64 — the log of LLaDA's exp(l)/(−log u)^T, an exact sample
    /// of softmax(l/T); LLaDA notes that low precision here measurably hurts quality. Ties go to
    /// the lowest id.
    public func token(row: UnsafeBufferPointer<Float>, statistics: SoftmaxStatistics,
                      noise: () -> UniformStream) -> Int {
        if temperature == 0 && statistics.topId != maskId { return statistics.topId }
        let uniforms = noise()
        func key(_ id: Int) -> Double {
            let logit = Double(row[id])
            return temperature > 0 ? logit - temperature * log(-log(uniforms.uniform(id))) : logit
        }
        var best = statistics.topId != maskId ? statistics.topId : (maskId == 0 ? 1 : 0)
        var bestKey = key(best)
        // No column whose logit plus the largest possible noise stays below the best key can
        // win; skipping it (and its two logs) leaves the sample unchanged.
        let reach = temperature > 0 ? -temperature * log(-log(UniformStream.largest)) : 0
        for id in row.indices where id != maskId && id != best && Double(row[id]) + reach >= bestKey {
            let candidate = key(id)
            if candidate > bestKey || (candidate == bestKey && id < best) {
                best = id
                bestKey = candidate
            }
        }
        return best
    }

    /// softmax(row)[token], from the statistics' 1/Z so that the argmax gets exactly its top-1 p.
    public static func probability(of token: Int, row: UnsafeBufferPointer<Float>,
                                   statistics: SoftmaxStatistics) -> Float {
        if token == statistics.topId { return statistics.topProbability }
        let relative = exp(Double(row[token]) - Double(row[statistics.topId]))
        return Float(relative * Double(statistics.topProbability))
    }
}
