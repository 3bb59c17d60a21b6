import Foundation
import XCTest
@testable import Kernels
import Tolerance

final class AttentionTests: XCTestCase {
    /// softmax(q·kᵀ/√d)·v per head with no mask, in Double.
    private func naive(q: [Float], k: [Float], v: [Float], queries: Int, keys: Int, heads: Int, kvHeads: Int,
                       headDim: Int) -> [Float] {
        var out = [Float](repeating: 0, count: queries * heads * headDim)
        for h in 0..<heads {
            let kvHead = h / (heads / kvHeads)
            for t in 0..<queries {
                var scores = (0..<keys).map { s -> Double in
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
                    for s in 0..<keys { sum += scores[s] / total * Double(v[(s * kvHeads + kvHead) * headDim + i]) }
                    out[(t * heads + h) * headDim + i] = Float(sum)
                }
            }
        }
        return out
    }

    private func check(rows: Int, keys: Int? = nil, heads: Int, kvHeads: Int, headDim: Int) {
        let keys = keys ?? rows
        var random = SplitMix64(seed: UInt64(rows * 31 + keys * 3 + heads * 7 + kvHeads))
        let q = random.floats(rows * heads * headDim, scale: 2)
        let k = random.floats(keys * kvHeads * headDim, scale: 2)
        let v = random.floats(keys * kvHeads * headDim)
        var out = [Float](repeating: .nan, count: rows * heads * headDim)
        bidirectionalAttention(q: q, queries: rows, k: k, v: v, keys: keys, heads: heads,
                               kvHeads: kvHeads, headDim: headDim, into: &out, threads: 2)
        let expected = naive(q: q, k: k, v: v, queries: rows, keys: keys, heads: heads, kvHeads: kvHeads,
                             headDim: headDim)
        XCTAssertLessThanOrEqual(maxAbsDifference(out, expected), 2e-6,
                                 "T=\(rows) keys=\(keys) heads=\(heads)/\(kvHeads) d=\(headDim)")
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

    func testQueriesSeeALongerContextInTilesOfFourWithAShortLastTile() {
        check(rows: 6, keys: 23, heads: 4, kvHeads: 2, headDim: 32)
        check(rows: 5, keys: 40, heads: 2, kvHeads: 1, headDim: 128)
        check(rows: 3, keys: 17, heads: 3, kvHeads: 3, headDim: 20)
    }

    func testSingleTokenAttendsOnlyToItself() {
        check(rows: 1, heads: 2, kvHeads: 2, headDim: 35)
    }
}
