import XCTest
@testable import Kernels

/// The few-row paths (1–7 input rows) read each weight once but must give the bits the exact
/// kernels gave: `matmul`'s those of `dot` with each converted weight row, `rowStableMatmul`'s
/// those of the packed kernel. Compared bit for bit, so NaN in the wrong place fails.
final class FewRowMatmulTests: XCTestCase {
    /// Columns: a ragged end of fewer than 8 (and 16, 32) values, and two passes of the packed
    /// kernel (4,096 columns, then 45); weight rows: one, a partial group, several groups.
    private let shapes = [(k: 13, n: 1), (k: 72, n: 33), (k: 300, n: 70), (k: 4096 + 45, n: 19)]

    func testRowStableFewRowsEqualThePackedKernelBitForBit() throws {
        try XCTSkipUnless(FewRows.rowStableSupported, "this CPU has no AVX-512F/BW")
        for (k, n) in shapes {
            var random = SplitMix64(seed: UInt64(k * 7 + n))
            let w = StoredWeights(random.floats(n * k), rows: n, columns: k, dtype: .bf16)
            for rows in 1..<FewRows.limit {
                let x = random.floats(rows * k, scale: 3)
                XCTAssertEqual(bits(fewRowsStable(x, rows: rows, w.matrix)), bits(packed(x, rows: rows, w.matrix)),
                               "rows \(rows) K=\(k) N=\(n)")
            }
        }
    }

    func testRowStableFewRowsCarryNaNAndInfinityAsThePackedKernelDoes() throws {
        try XCTSkipUnless(FewRows.rowStableSupported, "this CPU has no AVX-512F/BW")
        let k = 40, n = 37, rows = 5
        var random = SplitMix64(seed: 31)
        var values = random.floats(n * k)
        values[3 * k + 9] = .infinity
        values[20 * k + 39] = .nan
        let w = StoredWeights(values, rows: n, columns: k, dtype: .bf16)
        var x = random.floats(rows * k)
        x[2 * k + 17] = .nan
        x[4 * k] = -.infinity
        let stable = fewRowsStable(x, rows: rows, w.matrix)
        XCTAssertEqual(bits(stable), bits(packed(x, rows: rows, w.matrix)))
        XCTAssertTrue(stable[2 * n + 5].isNaN && stable[0 * n + 20].isNaN && stable[1 * n + 3].isInfinite)
        XCTAssertTrue(stable[0 * n + 0].isFinite)
    }

    func testMatmulFewRowsEqualDotWithEachConvertedWeightRow() {
        for dtype in [WeightDType.bf16, .f16, .f32] {
            for (k, n) in shapes {
                var random = SplitMix64(seed: UInt64(k + 5 * n))
                let w = StoredWeights(random.floats(n * k), rows: n, columns: k, dtype: dtype)
                for rows in 1..<FewRows.limit {
                    var x = random.floats(rows * k, scale: 2)
                    if rows == 3 { x[k + 1] = .nan }
                    var out = [Float](repeating: .nan, count: rows * n)
                    matmul(x, rows: rows, w.matrix, into: &out, threads: 2)
                    XCTAssertEqual(bits(out), bits(dotReference(x, rows: rows, w.matrix)), "\(dtype) rows \(rows) K=\(k) N=\(n)")
                }
            }
        }
    }

    /// The int8 path's few-row tile (AVX512-VNNI) against the panel tile: the same rows inside a
    /// 16-row product, every type, 1–7 rows, a 32-column tail and a partial block of weight rows.
    func testInt8FewRowsEqualTheSameRowsOfALongerProduct() throws {
        try XCTSkipUnless(Int8InstructionSet.avx512vnni.isSupported, "this CPU has no AVX512-VNNI")
        let saved = (MatmulMode.current, MatmulMode.int8InstructionSet)
        defer { (MatmulMode.current, MatmulMode.int8InstructionSet) = saved }
        (MatmulMode.current, MatmulMode.int8InstructionSet) = (.fast, .avx512vnni)
        for dtype in [WeightDType.q8_0, .q4_0, .q4_k, .q5_k, .q6_k] {
            let k = dtype.blockLength == 256 ? 768 : 96, n = 37
            let w = RandomWeights(rows: n, columns: k, dtype: dtype, seed: 41, scale: 0.5)
            var random = SplitMix64(seed: 42)
            var x = random.floats(16 * k)
            x[2 * k + 5] = .nan
            var all = [Float](repeating: .nan, count: 16 * n)
            matmul(x, rows: 16, w.matrix, into: &all, threads: 2)
            for rows in 1..<FewRows.limit {
                var part = [Float](repeating: .nan, count: rows * n)
                matmul(x, rows: rows, w.matrix, into: &part, threads: 2)
                XCTAssertEqual(bits(part), bits(Array(all[0..<(rows * n)])), "\(dtype) rows \(rows)")
            }
            XCTAssertTrue(all[(2 * n)..<(3 * n)].allSatisfy(\.isNaN) && all[0..<(2 * n)].allSatisfy(\.isFinite), "\(dtype)")
            withExtendedLifetime(w) {}
        }
    }

    /// Q8_0/Q4_0 scales that are ∞ or NaN (a signalling one, which the few-row tile's vcvtph2ps
    /// quiets and the unpacker's conversion keeps) give the panel tile's bits too.
    func testInt8FewRowsKeepNonFiniteScalesBitForBit() throws {
        try XCTSkipUnless(Int8InstructionSet.avx512vnni.isSupported, "this CPU has no AVX512-VNNI")
        let saved = (MatmulMode.current, MatmulMode.int8InstructionSet)
        defer { (MatmulMode.current, MatmulMode.int8InstructionSet) = saved }
        (MatmulMode.current, MatmulMode.int8InstructionSet) = (.fast, .avx512vnni)
        for dtype in [WeightDType.q8_0, .q4_0] {
            let k = 96, n = 21
            let w = RandomWeights(rows: n, columns: k, dtype: dtype, seed: 43, scale: 0.5)
            let raw = UnsafeMutableRawPointer(mutating: w.matrix.base)
            let blockBytes = dtype.byteCount(values: 32)
            raw.storeBytes(of: UInt16(0x7C01), toByteOffset: 3 * w.matrix.rowBytes + blockBytes, as: UInt16.self)
            raw.storeBytes(of: UInt16(0xFC00), toByteOffset: 18 * w.matrix.rowBytes, as: UInt16.self)
            var random = SplitMix64(seed: 44)
            let x = random.floats(16 * k)
            var all = [Float](repeating: 0, count: 16 * n)
            matmul(x, rows: 16, w.matrix, into: &all, threads: 2)
            XCTAssertTrue(all[3].isNaN && !all[18].isFinite, "\(dtype)")
            for rows in 1..<FewRows.limit {
                var part = [Float](repeating: 0, count: rows * n)
                matmul(x, rows: rows, w.matrix, into: &part, threads: 2)
                XCTAssertEqual(bits(part), bits(Array(all[0..<(rows * n)])), "\(dtype) rows \(rows)")
            }
            withExtendedLifetime(w) {}
        }
    }

    /// The old few-row path: each weight row converted to Floats, then `dot` with each input row.
    private func dotReference(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        var converted = [Float](repeating: 0, count: w.columns)
        for n in 0..<w.rows {
            w.copyRow(n, into: &converted)
            for t in 0..<rows {
                x.withUnsafeBufferPointer { out[t * w.rows + n] = dot($0.baseAddress! + t * w.columns, converted, count: w.columns) }
            }
        }
        return out
    }

    private func fewRowsStable(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        rowStableMatmul(x, rows: rows, w, into: &out, threads: 2)
        return out
    }

    private func packed(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        matmulPacked(x, rows: rows, w, into: &out, threads: 2)
        return out
    }

    private func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }
}
