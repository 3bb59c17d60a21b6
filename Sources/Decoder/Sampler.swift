import Foundation
import Kernels

/// Picks a masked position's candidate token from its logits row.
public struct Sampler: Sendable {
    public let temperature: Double

    public init(temperature: Double) { self.temperature = temperature }

    /// T = 0: the argmax, ties to the lowest id (already in `statistics`). T > 0: Gumbel-max,
    /// argmax over v of l_v − T·log(−log u_v) in Float64 — the log of LLaDA's
    /// exp(l)/(−log u)^T, an exact sample of softmax(l/T); LLaDA notes that low precision here
    /// measurably hurts quality. Ties go to the lowest id.
    public func token(row: UnsafeBufferPointer<Float>, statistics: SoftmaxStatistics,
                      noise: () -> UniformStream) -> Int {
        guard temperature > 0 else { return statistics.topId }
        var uniforms = noise()
        var best = 0, bestKey = -Double.infinity
        for (id, logit) in row.enumerated() {
            let key = Double(logit) - temperature * log(-log(uniforms.next()))
            if key > bestKey {
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
