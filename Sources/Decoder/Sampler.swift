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
    /// the lowest id. Each column draws its uniform, the mask's too, so streams stay aligned.
    public func token(row: UnsafeBufferPointer<Float>, statistics: SoftmaxStatistics,
                      noise: () -> UniformStream) -> Int {
        if temperature == 0 && statistics.topId != maskId { return statistics.topId }
        var uniforms = noise()
        var best = -1, bestKey = -Double.infinity
        for (id, logit) in row.enumerated() {
            var key = Double(logit)
            if temperature > 0 { key -= temperature * log(-log(uniforms.next())) }
            if id != maskId && (best < 0 || key > bestKey) {
                best = id
                bestKey = key
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
