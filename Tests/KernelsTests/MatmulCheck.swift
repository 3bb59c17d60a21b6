import XCTest
import Kernels
import Tolerance

/// matmul's fp32 kernels (exact mode: bf16 weights would otherwise take vdpbf16ps where the CPU has
/// it, which BF16DotMatmulTests checks) against a naive float64 loop over the exact values the
/// stored weights hold.
func assertMatmulMatchesNaive(rows: Int, k: Int, n: Int, dtype: WeightDType, threads: Int = 2,
                              file: StaticString = #filePath, line: UInt = #line) {
    let saved = MatmulMode.current
    defer { MatmulMode.current = saved }
    MatmulMode.current = .exact
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
    // A running fp32 sum of k products drifts by about k · 2⁻²⁴ · rms(x·w) (the kernel keeps one
    // accumulator per output for up to 4,096 columns); a wrong or missing product is far larger.
    let tolerance = 8 * Float(k) * Float.ulpOfOne / 2 * rmsProduct(x, w.values) + 1e-6
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

/// Root mean square of x_i · w_i over random pairs of a row of x and a row of w (both of length k).
private func rmsProduct(_ x: [Float], _ w: [Float]) -> Float {
    let meanSquare = { (values: [Float]) in values.reduce(0) { $0 + Double($1) * Double($1) } / Double(max(1, values.count)) }
    return Float((meanSquare(x) * meanSquare(w)).squareRoot())
}
