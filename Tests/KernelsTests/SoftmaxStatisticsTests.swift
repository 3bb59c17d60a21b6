import Foundation
import XCTest
@testable import Kernels

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

    func testDuplicateMaximaInVectorLanesGiveZeroMarginAndTheFirstId() {
        for (first, second) in [(3, 19), (3, 5), (20, 38)] {
            var logits = [Float](repeating: -1, count: 40)
            logits[first] = 2
            logits[second] = 2
            let stats = SoftmaxStatistics(logits: logits, count: logits.count)
            XCTAssertEqual(stats.topId, first)
            XCTAssertEqual(stats.margin, 0)
        }
    }

    func testMaximumInTheTailBeyondWholeVectors() {
        var logits = [Float](repeating: 0, count: 35)
        logits[34] = 5
        logits[7] = 4
        let stats = SoftmaxStatistics(logits: logits, count: logits.count)
        XCTAssertEqual(stats.topId, 34)
        XCTAssertEqual(Double(stats.secondProbability / stats.topProbability), exp(-1.0), accuracy: 1e-6)
    }

    func testSingleColumnIsCertain() {
        let stats = SoftmaxStatistics(logits: [0.3], count: 1)
        XCTAssertEqual(stats.topProbability, 1)
        XCTAssertEqual(stats.secondProbability, 0)
        XCTAssertEqual(stats.entropyNats, 0)
    }

    func testUniformRowHasEntropyLogN() {
        let stats = SoftmaxStatistics(logits: [Float](repeating: 0.5, count: 64), count: 64)
        XCTAssertEqual(stats.entropyNats, Float(log(64.0)), accuracy: 1e-5)
        XCTAssertEqual(stats.topId, 0)
    }
}

final class SoftmaxStatisticsNonFiniteTests: XCTestCase {
    /// The row is the first `count` values of a longer buffer, as in a logits matrix: the argmax
    /// scan must never walk into the next row.
    private func statistics(row: [Float], nextRow: Float = 7) -> SoftmaxStatistics {
        let buffer = row + [Float](repeating: nextRow, count: 64)
        return SoftmaxStatistics(logits: buffer, count: row.count)
    }

    func testNaNRowsAreFlaggedAndTheTopIdStaysInTheRow() {
        for count in [1, 5, 16, 37, 300] {
            for poisoned in [0, count / 2, count - 1] {
                var row = (0..<count).map { Float($0 % 7) }
                row[poisoned] = .nan
                let stats = statistics(row: row)
                XCTAssertFalse(stats.isFinite, "count \(count), NaN at \(poisoned)")
                XCTAssertTrue((0..<count).contains(stats.topId), "count \(count): topId \(stats.topId)")
            }
            let stats = statistics(row: [Float](repeating: .nan, count: count))
            XCTAssertFalse(stats.isFinite)
            XCTAssertTrue((0..<count).contains(stats.topId), "all NaN, count \(count): topId \(stats.topId)")
        }
    }

    func testInfiniteValuesAreFlagged() {
        for value in [Float.infinity, -.infinity] {
            for count in [3, 40] {
                var row = [Float](repeating: 1, count: count)
                row[count - 2] = value
                let stats = statistics(row: row)
                XCTAssertFalse(stats.isFinite, "\(value) in a row of \(count)")
                XCTAssertTrue((0..<count).contains(stats.topId))
            }
        }
    }

    func testFiniteRowsAreFinite() {
        XCTAssertTrue(statistics(row: [1, 3, 3, 0]).isFinite)
        XCTAssertTrue(statistics(row: (0..<100).map { Float($0) * 1e30 }).isFinite)
    }
}
