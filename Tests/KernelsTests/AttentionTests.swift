import Foundation
import XCTest
@testable import Kernels
import Tolerance

final class AttentionTests: XCTestCase {
    /// softmax(q·kᵀ/√d)·v per head with no mask, in Double.
    private func naive(q: [Float], k: [Float], v: [Float], rows: Int, heads: Int, kvHeads: Int,
                       headDim: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * heads * headDim)
        for h in 0..<heads {
            let kvHead = h / (heads / kvHeads)
            for t in 0..<rows {
                var scores = (0..<rows).map { s -> Double in
                    var sum: Double = 0
                    for i in 0..<headDim {
                        sum += Double(q[(t * heads + h) * headDim + i]) * Double(k[(s * kvHeads + kvHead) * headDim + i])
                    }
                    return sum / Double(headDim).squareRoot()
                }
                let top = scores.max()!
                scores = scores.map { exp($0 - top) }
                let total = scores.reduce(0, +)
                for i in 0..<headDim {
                    var sum: Double = 0
                    for s in 0..<rows { sum += scores[s] / total * Double(v[(s * kvHeads + kvHead) * headDim + i]) }
                    out[(t * heads + h) * headDim + i] = Float(sum)
                }
            }
        }
        return out
    }

    private func check(rows: Int, heads: Int, kvHeads: Int, headDim: Int) {
        var random = SplitMix64(seed: UInt64(rows * 31 + heads * 7 + kvHeads))
        let q = random.floats(rows * heads * headDim, scale: 2)
        let k = random.floats(rows * kvHeads * headDim, scale: 2)
        let v = random.floats(rows * kvHeads * headDim)
        var out = [Float](repeating: .nan, count: rows * heads * headDim)
        bidirectionalAttention(q: q, queries: rows, k: k, v: v, keys: rows, heads: heads,
                               kvHeads: kvHeads, headDim: headDim, into: &out, threads: 2)
        let expected = naive(q: q, k: k, v: v, rows: rows, heads: heads, kvHeads: kvHeads, headDim: headDim)
        XCTAssertLessThanOrEqual(maxAbsDifference(out, expected), 2e-6,
                                 "T=\(rows) heads=\(heads)/\(kvHeads) d=\(headDim)")
    }

    func testEveryQueryAttendsToEveryPositionIncludingLaterOnes() {
        check(rows: 13, heads: 4, kvHeads: 4, headDim: 18)
    }

    func testGroupedKVHeadsAreSharedByConsecutiveQueryHeads() {
        check(rows: 9, heads: 4, kvHeads: 2, headDim: 18)
        check(rows: 5, heads: 6, kvHeads: 1, headDim: 16)
    }

    func testKeysSpanningSeveralTransposeTilesAndChainsAttendLikeTheNaiveSum() {
        check(rows: 37, heads: 4, kvHeads: 2, headDim: 40)
        check(rows: 70, heads: 4, kvHeads: 2, headDim: 72)
    }

    func testSingleTokenAttendsOnlyToItself() {
        check(rows: 1, heads: 2, kvHeads: 2, headDim: 35)
    }
}
