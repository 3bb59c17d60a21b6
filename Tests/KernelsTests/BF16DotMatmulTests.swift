import XCTest
@testable import Kernels
import Tolerance

/// The vdpbf16ps path for bf16 weights (BF16DotMatmul.swift), where this CPU has AVX512-BF16:
/// bit for bit the arithmetic its kernel documents, and within the activations' bf16 rounding of
/// the exact product.
final class BF16DotMatmulTests: XCTestCase {
    private func skipWithoutTheInstruction() throws {
        try XCTSkipUnless(BF16Dot.isSupported, "this CPU has no AVX512-BF16 (vdpbf16ps)")
    }

    /// Rows in one, two and three panels (a two-panel tile and a one-panel one), blocks of 32 rows
    /// and a partial one, spans of 64 columns with a partial last span, rows whose last 32 columns
    /// are partial (4 and 12 column pairs).
    func testEveryOutputIsTheDocumentedChainOfBF16ProductsBitForBit() throws {
        try skipWithoutTheInstruction()
        for K in [200, 216] {
            assertMatchesTheModel(k: K)
        }
    }

    private func assertMatchesTheModel(k K: Int) {
        let N = 41, span = 64
        let w = RandomWeights(rows: N, columns: K, dtype: .bf16, seed: 31, scale: 0.5)
        for rows in [8, 19, 40] {
            var random = SplitMix64(seed: UInt64(rows))
            let x = random.floats(rows * K, scale: 3)
            let out = dotProduct(x, rows: rows, w.matrix, span: span)
            let expected = BF16DotModel.product(x, rows: rows, w.matrix, span: span)
            let differing = out.indices.filter { out[$0].bitPattern != expected[$0].bitPattern }
            XCTAssertEqual(differing.count, 0, "K \(K), \(rows) rows: first at \(differing.first.map { "\(out[$0]) against \(expected[$0])" } ?? "")")
        }
        withExtendedLifetime(w) {}
    }

    /// NaN and ∞ in the activations, subnormals, and values that round up to a new power of two.
    func testSpecialActivationsFollowTheModelToo() throws {
        try skipWithoutTheInstruction()
        let K = 96, N = 9, rows = 16
        let w = RandomWeights(rows: N, columns: K, dtype: .bf16, seed: 32, scale: 0.5)
        var random = SplitMix64(seed: 33)
        var x = random.floats(rows * K)
        x[1 * K + 5] = .nan
        x[2 * K + 7] = .infinity
        x[3 * K + 9] = -.infinity
        x[4 * K + 11] = Float(bitPattern: 0x0000_1234)  // subnormal
        x[5 * K + 13] = Float(bitPattern: 0x3F80_FFFF)  // rounds up to 1 + 2⁻⁷
        x[6 * K + 15] = Float(bitPattern: 0x3FFF_FFFF)  // rounds up to 2
        let out = dotProduct(x, rows: rows, w.matrix, span: 32)
        let expected = BF16DotModel.product(x, rows: rows, w.matrix, span: 32)
        for i in out.indices {
            XCTAssertTrue(out[i] == expected[i] || (out[i].isNaN && expected[i].isNaN),
                          "row \(i / N) column \(i % N): \(out[i]) against \(expected[i])")
        }
        XCTAssertTrue(out[(N)..<(2 * N)].allSatisfy(\.isNaN), "a NaN activation makes its row NaN")
        withExtendedLifetime(w) {}
    }

    /// Against a float64 product of the stored weights: each activation moves by at most 2⁻⁹ of its
    /// magnitude when rounded to bf16, plus fp32 rounding of one chain per 4,096 columns. Long rows
    /// (three spans, as LLaDA-8B's ffn_down) and several workers.
    func testTheProductIsWithinTheActivationsBF16RoundingOfTheExactOne() throws {
        try skipWithoutTheInstruction()
        let K = 2 * BF16Dot.span + 260, N = 37, rows = 24
        let w = RandomWeights(rows: N, columns: K, dtype: .bf16, seed: 34, scale: 0.5)
        var random = SplitMix64(seed: 35)
        let x = random.floats(rows * K)
        let out = dotProduct(x, rows: rows, w.matrix, span: BF16Dot.span, threads: 3)
        let weights = w.matrix.floats()
        for t in 0..<rows {
            for n in 0..<N {
                var exact = 0.0, magnitude = 0.0
                for k in 0..<K {
                    let product = Double(x[t * K + k]) * Double(weights[n * K + k])
                    exact += product
                    magnitude += abs(product)
                }
                let bound = magnitude * (1.0 / 512 + Double(BF16Dot.span) * 0x1p-24)
                let error = abs(Double(out[t * N + n]) - exact)
                XCTAssertLessThanOrEqual(error, bound, "row \(t) column \(n)")  // NaN fails
            }
        }
        withExtendedLifetime(w) {}
    }

    /// `matmul` in the default mode takes this path for 8 rows and more; exact mode, and fewer
    /// rows, keep the fp32 kernels; `rowStableMatmul` keeps fp32 at every row count.
    func testMatmulTakesThePathOnlyForManyRowsOutsideExactMode() throws {
        try skipWithoutTheInstruction()
        let K = 64, N = 20
        let w = RandomWeights(rows: N, columns: K, dtype: .bf16, seed: 36, scale: 0.5)
        var random = SplitMix64(seed: 37)
        let x = random.floats(16 * K)
        let saved = (MatmulMode.current, MatmulMode.bf16DotProducts)
        defer { (MatmulMode.current, MatmulMode.bf16DotProducts) = saved }
        MatmulMode.bf16DotProducts = true
        let dot = dotProduct(x, rows: 16, w.matrix, span: BF16Dot.span)
        MatmulMode.current = .fast
        XCTAssertEqual(product(x, rows: 16, w.matrix, matmul).map(\.bitPattern), dot.map(\.bitPattern))
        let stable = product(x, rows: 16, w.matrix, rowStableMatmul)
        MatmulMode.current = .exact
        let exact = product(x, rows: 16, w.matrix, matmul)
        XCTAssertEqual(stable.map(\.bitPattern), exact.map(\.bitPattern), "rowStableMatmul stays fp32")
        XCTAssertNotEqual(exact.map(\.bitPattern), dot.map(\.bitPattern), "exact mode takes the fp32 kernel")
        MatmulMode.current = .fast
        let fewRows = product(Array(x[0..<(7 * K)]), rows: 7, w.matrix, matmul)
        MatmulMode.current = .exact
        XCTAssertEqual(fewRows.map(\.bitPattern), product(Array(x[0..<(7 * K)]), rows: 7, w.matrix, matmul).map(\.bitPattern),
                       "7 rows keep the few-row fp32 path")
        withExtendedLifetime(w) {}
    }

    /// Without the instruction (`bf16DotProducts` false, as detection sets it on such a CPU) bf16
    /// weights take the fp32 kernels in the default mode too.
    func testWithoutTheInstructionBF16TakesTheFP32Path() {
        let K = 64, N = 20
        let w = RandomWeights(rows: N, columns: K, dtype: .bf16, seed: 38, scale: 0.5)
        var random = SplitMix64(seed: 39)
        let x = random.floats(16 * K)
        let saved = (MatmulMode.current, MatmulMode.bf16DotProducts)
        defer { (MatmulMode.current, MatmulMode.bf16DotProducts) = saved }
        MatmulMode.bf16DotProducts = false
        MatmulMode.current = .fast
        let fast = product(x, rows: 16, w.matrix, matmul)
        MatmulMode.current = .exact
        XCTAssertEqual(fast.map(\.bitPattern), product(x, rows: 16, w.matrix, matmul).map(\.bitPattern))
        withExtendedLifetime(w) {}
    }

    private func dotProduct(_ x: [Float], rows: Int, _ w: WeightMatrix, span: Int, threads: Int = 2) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in
                matmulBF16Dot(xs.baseAddress!, rows: rows, w, into: o.baseAddress!, threads: threads, span: span)
            }
        }
        return out
    }

    private func product(_ x: [Float], rows: Int, _ w: WeightMatrix,
                         _ multiply: (UnsafePointer<Float>, Int, WeightMatrix, UnsafeMutablePointer<Float>, Int) -> Void) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in multiply(xs.baseAddress!, rows, w, o.baseAddress!, 2) }
        }
        return out
    }
}

/// A scalar model of the vdpbf16ps path's arithmetic (bf16_dot_kernels.c), as Intel documents
/// VCVTNEPS2BF16 and VDPBF16PS: activations rounded to nearest-even bf16 (NaN kept); each step adds
/// x[k+1]·w[k+1], then x[k]·w[k] (products of bf16 values are exact in fp32), rounding each add;
/// bf16 subnormal inputs count as zero and subnormal sums flush to zero; one chain per span from +0,
/// the first span's chain stored and later ones added in order.
enum BF16DotModel {
    static func product(_ x: [Float], rows: Int, _ w: WeightMatrix, span: Int) -> [Float] {
        let K = w.columns, N = w.rows
        let weights = w.floats()
        let activations = x.map { floatFromBFloat16(bfloat16FromFloat($0)) }
        var out = [Float](repeating: 0, count: rows * N)
        for t in 0..<rows {
            for n in 0..<N {
                var sum: Float = 0
                for first in stride(from: 0, to: K, by: span) {
                    var chain: Float = 0
                    for k in stride(from: first, to: min(K, first + span), by: 2) {
                        chain = flushed(chain + zeroed(activations[t * K + k + 1]) * zeroed(weights[n * K + k + 1]))
                        chain = flushed(chain + zeroed(activations[t * K + k]) * zeroed(weights[n * K + k]))
                    }
                    sum = first == 0 ? chain : sum + chain
                }
                out[t * N + n] = sum
            }
        }
        return out
    }

    private static func zeroed(_ value: Float) -> Float { value.isSubnormal ? (value.sign == .minus ? -0.0 : 0.0) : value }
    private static func flushed(_ value: Float) -> Float { zeroed(value) }
}
