import XCTest
import Kernels

/// llama.cpp's GGUF q/k rows come permuted per head (row 2i ← i, row 2i+1 ← i + d/2); rotating
/// adjacent pairs of the permuted heads must give the permuted rotation, and so the same q·k.
final class RotaryPairingTests: XCTestCase {
    private let headDim = 8, heads = 2, rows = 5

    /// What convert_hf_to_gguf.py does to each head's rows.
    private func permuteLikeLlamaCpp(_ x: [Float]) -> [Float] {
        var out = x
        let half = headDim / 2
        for head in stride(from: 0, to: x.count, by: headDim) {
            for i in 0..<half {
                out[head + 2 * i] = x[head + i]
                out[head + 2 * i + 1] = x[head + i + half]
            }
        }
        return out
    }

    private func rotated(_ x: [Float], _ pairing: RotaryPairing) -> [Float] {
        var out = x
        RotaryEmbedding(headDim: headDim, theta: 10_000, pairing: pairing)
            .apply(&out, rows: rows, heads: heads, firstPosition: 3)
        return out
    }

    func testAdjacentPairsOfPermutedHeadsGiveThePermutedRotation() {
        var random = SplitMix64(seed: 3)
        let x = random.floats(rows * heads * headDim)
        XCTAssertEqual(rotated(permuteLikeLlamaCpp(x), .adjacent), permuteLikeLlamaCpp(rotated(x, .halves)))
    }

    func testQueryKeyDotProductsSurviveThePermutation() {
        var random = SplitMix64(seed: 4)
        let q = random.floats(rows * heads * headDim), k = random.floats(rows * heads * headDim)
        let (qH, kH) = (rotated(q, .halves), rotated(k, .halves))
        let (qA, kA) = (rotated(permuteLikeLlamaCpp(q), .adjacent), rotated(permuteLikeLlamaCpp(k), .adjacent))
        for t in 0..<rows * heads {
            for s in 0..<rows * heads where t % heads == s % heads {
                let range = { (row: Int) in (row * self.headDim)..<((row + 1) * self.headDim) }
                let reference = zip(qH[range(t)], kH[range(s)]).map(*).reduce(0, +)
                let permuted = zip(qA[range(t)], kA[range(s)]).map(*).reduce(0, +)
                XCTAssertEqual(permuted, reference, accuracy: 1e-5)
            }
        }
    }
}
