import XCTest
@testable import Kernels

final class MatmulTests: XCTestCase {
    private func naive(_ x: [Float], rows: Int, _ w: [Float], outRows n: Int, k: Int) -> [Float] {
        var out = [Float](repeating: 0, count: rows * n)
        for t in 0..<rows {
            for j in 0..<n {
                var sum: Double = 0
                for i in 0..<k { sum += Double(x[t * k + i]) * Double(w[j * k + i]) }
                out[t * n + j] = Float(sum)
            }
        }
        return out
    }

    private func check(rows: Int, k: Int, n: Int, dtype: WeightDType, threads: Int = 2,
                       file: StaticString = #filePath, line: UInt = #line) {
        var random = SplitMix64(seed: UInt64(rows * 1_000_003 + k * 1_009 + n))
        let x = random.floats(rows * k)
        let w = StoredWeights(random.floats(n * k), rows: n, columns: k, dtype: dtype)
        var out = [Float](repeating: .nan, count: rows * n)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in
                matmul(xs.baseAddress!, rows: rows, w.matrix, into: o.baseAddress!, threads: threads)
            }
        }
        let expected = naive(x, rows: rows, w.values, outRows: n, k: k)
        let tolerance = Float(k).squareRoot() * 2e-6 + 1e-6
        XCTAssertLessThanOrEqual(maxAbsDifference(out, expected), tolerance,
                                 "T=\(rows) K=\(k) N=\(n) \(dtype)", file: file, line: line)
    }

    func testSingleRowMatchesNaiveLoopForEveryWeightType() {
        for dtype in WeightDType.allCases {
            check(rows: 1, k: 37, n: 13, dtype: dtype)
            check(rows: 1, k: 300, n: 65, dtype: dtype)
        }
    }

    func testPackedPanelsMatchNaiveLoopWithRaggedEdges() {
        for dtype in WeightDType.allCases {
            check(rows: 17, k: 37, n: 13, dtype: dtype)
            check(rows: 33, k: 300, n: 7, dtype: dtype)
        }
    }

    func testDepthLongerThanOneConvertedBlockAccumulates() {
        check(rows: 16, k: MatmulTile.depth * 2 + 5, n: 12, dtype: .bf16)
    }

    func testEveryRowCountAroundThePanelWidthAgrees() {
        for rows in [2, 5, 7, 8, 9, 15, 16] {
            check(rows: rows, k: 19, n: 11, dtype: .f32)
        }
    }

    func testThreadCountDoesNotChangeTheResult() {
        var random = SplitMix64(seed: 7)
        let x = random.floats(20 * 50)
        let w = StoredWeights(random.floats(31 * 50), rows: 31, columns: 50, dtype: .bf16)
        func run(_ threads: Int) -> [Float] {
            var out = [Float](repeating: 0, count: 20 * 31)
            matmul(x, rows: 20, w.matrix, into: &out, threads: threads)
            return out
        }
        XCTAssertEqual(run(1), run(2))
        XCTAssertEqual(run(1), run(5))
    }
}
