import XCTest
import Kernels

/// matmul against a naive float64 loop over the exact values the stored weights hold.
func assertMatmulMatchesNaive(rows: Int, k: Int, n: Int, dtype: WeightDType, threads: Int = 2,
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
    let expected = naiveMatmul(x, rows: rows, w.values, outRows: n, k: k)
    let tolerance = Float(k).squareRoot() * 2e-6 + 1e-6
    XCTAssertLessThanOrEqual(maxAbsDifference(out, expected), tolerance,
                             "T=\(rows) K=\(k) N=\(n) \(dtype)", file: file, line: line)
}

private func naiveMatmul(_ x: [Float], rows: Int, _ w: [Float], outRows n: Int, k: Int) -> [Float] {
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
