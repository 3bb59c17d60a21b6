import Foundation

/// Rotary position embedding, "rotate half" convention: the head dimension is split into two
/// halves and out = x·cos + cat(−x₂, x₁)·sin, with inv_freq[i] = θ^(−2i/headDim).
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    public let theta: Double
    private let inverseFrequencies: [Float]

    public init(headDim: Int, theta: Double) {
        precondition(headDim % 2 == 0, "rotary embedding needs an even head dimension")
        self.headDim = headDim
        self.theta = theta
        // Computed in fp32 like the reference: 1 / θ^(2i/d).
        inverseFrequencies = (0..<headDim / 2).map { i in
            1 / Float(pow(theta, Double(Float(2 * i) / Float(headDim))))
        }
    }

    /// Rotates `heads` heads of every row in place; row t sits at position `firstPosition + t`.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, firstPosition: Int = 0) {
        let half = headDim / 2
        var cosines = [Float](repeating: 0, count: half)
        var sines = [Float](repeating: 0, count: half)
        for t in 0..<rows {
            let position = Float(firstPosition + t)
            for i in 0..<half {
                let angle = position * inverseFrequencies[i]
                cosines[i] = cos(angle)
                sines[i] = sin(angle)
            }
            for h in 0..<heads {
                let head = x + (t * heads + h) * headDim
                for i in 0..<half {
                    let x1 = head[i], x2 = head[i + half]
                    head[i] = x1 * cosines[i] - x2 * sines[i]
                    head[i + half] = x2 * cosines[i] + x1 * sines[i]
                }
            }
        }
    }
}
