import Foundation
import XCTest
@testable import Kernels

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

    func testSingleTokenAttendsOnlyToItself() {
        check(rows: 1, heads: 2, kvHeads: 2, headDim: 35)
    }
}

final class SoftmaxStatisticsTests: XCTestCase {
    func testEntropyTopTwoAndMarginMatchDoublePrecision() {
        var random = SplitMix64(seed: 19)
        for count in [2, 17, 300, 1001] {
            let logits = random.floats(count, scale: 6)
            let stats = SoftmaxStatistics(logits: logits, count: count)
            let top = Double(logits.max()!)
            let weights = logits.map { exp(Double($0) - top) }
            let total = weights.reduce(0, +)
            let p = weights.map { $0 / total }
            let entropy = -p.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            let sorted = p.sorted(by: >)
            XCTAssertEqual(Double(stats.entropyNats), entropy, accuracy: 1e-5)
            XCTAssertEqual(stats.topId, logits.firstIndex(of: logits.max()!))
            XCTAssertEqual(Double(stats.topProbability), sorted[0], accuracy: 1e-6)
            XCTAssertEqual(Double(stats.secondProbability), sorted[1], accuracy: 1e-6)
            XCTAssertEqual(Double(stats.margin), sorted[0] - sorted[1], accuracy: 1e-6)
        }
    }

    func testTiesPickTheLowestId() {
        let stats = SoftmaxStatistics(logits: [1, 3, 3, 0], count: 4)
        XCTAssertEqual(stats.topId, 1)
        XCTAssertEqual(stats.margin, 0)
    }

    func testUniformRowHasEntropyLogN() {
        let stats = SoftmaxStatistics(logits: [Float](repeating: 0.5, count: 64), count: 64)
        XCTAssertEqual(stats.entropyNats, Float(log(64.0)), accuracy: 1e-5)
        XCTAssertEqual(stats.topId, 0)
    }
}
