import Foundation

/// Which two coordinates of a head one rotary frequency turns.
public enum RotaryPairing: String, Sendable {
    /// (i, i + d/2), Hugging Face's "rotate half": out = x·cos + cat(−x₂, x₁)·sin.
    case halves
    /// (2i, 2i + 1). llama.cpp's converter reorders each q/k head's rows into this order for its
    /// rope kernel; attention only needs q·k, which is the same in any order q and k share, so
    /// rotating adjacent pairs undoes the permutation without touching the weights.
    case adjacent
}

/// Rotary position embedding with inv_freq[i] = θ^(−2i/r) turning pair i by position·inv_freq[i],
/// over the first r = `rotaryDimensions` dims of each head (the whole head unless partial, as in
/// LLaDA2); the other dims pass through.
public struct RotaryEmbedding: Sendable {
    public let headDim: Int
    public let rotaryDimensions: Int
    public let theta: Double
    public let pairing: RotaryPairing
    private let inverseFrequencies: [Float]

    public init(headDim: Int, theta: Double, pairing: RotaryPairing = .halves, rotaryDimensions: Int? = nil) {
        let r = rotaryDimensions ?? headDim
        precondition(r % 2 == 0 && r > 0 && r <= headDim, "rotary embedding needs an even number of dims within the head")
        self.headDim = headDim
        self.rotaryDimensions = r
        self.theta = theta
        self.pairing = pairing
        // Computed in fp32 like the reference: 1 / θ^(2i/r).
        inverseFrequencies = (0..<r / 2).map { i in
            1 / Float(pow(theta, Double(Float(2 * i) / Float(r))))
        }
    }

    /// Rotates `heads` heads of every row in place; row t sits at position `firstPosition + t`.
    public func apply(_ x: UnsafeMutablePointer<Float>, rows: Int, heads: Int, firstPosition: Int = 0) {
        let half = rotaryDimensions / 2
        // Pair i is (first + i·step, first + i·step + partner).
        let (step, partner) = pairing == .halves ? (1, half) : (2, 1)
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
                    let first = i * step, second = first + partner
                    let x1 = head[first], x2 = head[second]
                    head[first] = x1 * cosines[i] - x2 * sines[i]
                    head[second] = x2 * cosines[i] + x1 * sines[i]
                }
            }
        }
    }
}
