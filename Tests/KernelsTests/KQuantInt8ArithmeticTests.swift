import XCTest
@testable import Kernels

/// The int8 path's k-quant arithmetic (ggml's Q8_K way, CKernels/int8_kquant.c) bit for bit
/// against a scalar model of it written from ggml's block layouts: per 256 activation values one
/// scale d_x = max|x| / 127 and codes round(x / d_x); per superblock the exact integers
/// s = Σ_j scale_j · Σ code·x and m = Σ_j min_j · Σ x, then
/// Q6_K: out += d · (d_x · (s − m)) (min = 32 · scale), Q4_K/Q5_K: out += d · (d_x · s),
/// out −= dmin · (d_x · m), each a fused multiply-add. Every instruction set, panel and few-row
/// tiles alike, must give these bits.
final class KQuantInt8ArithmeticTests: XCTestCase {
    private let types: [WeightDType] = [.q4_k, .q5_k, .q6_k]

    func testEveryTileGivesTheScalarArithmeticsBits() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        for dtype in types {
            let (k, n) = (768, 19)
            let w = RandomWeights(rows: n, columns: k, dtype: dtype, seed: 71, scale: 0.5)
            var random = SplitMix64(seed: 72)
            var x = random.floats(21 * k, scale: 3)
            x[4 * k + 300] = .nan  // row 4's second superblock: the whole row is NaN
            for instructionSet in sets {
                // 1–7 rows take the few-row tiles with VNNI; 16 and 21 the panel tiles.
                for rows in [1, 3, 5, 7, 16, 21] {
                    let xs = Array(x[0..<(rows * k)])
                    assertBitsEqual(int8Product(xs, rows: rows, w.matrix, instructionSet),
                                    reference(xs, rows: rows, w.matrix), "\(dtype) \(instructionSet) rows \(rows)")
                }
            }
            withExtendedLifetime(w) {}
        }
    }

    /// Largest codes, scales of the largest magnitude (Q6_K: −128) and activations at ±max, so
    /// codes reach ±127: the integer sums at their bounds stay exact.
    func testExtremeCodesAndScalesStayExact() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        for dtype in types {
            let (k, n) = (512, 16)
            let w = RandomWeights(rows: n, columns: k, dtype: dtype, seed: 73, scale: 0.5)
            let raw = UnsafeMutableRawPointer(mutating: w.matrix.base)
            for row in 0..<n {
                for block in 0..<(k / 256) {
                    let start = raw + row * w.matrix.rowBytes + block * dtype.blockBytes
                    // Every code and packed scale byte all ones, except Q6_K's scales (−128) and
                    // the f16 factors, which stay as RandomWeights set them.
                    let (first, count) = dtype == .q6_k ? (0, 192) : (4, dtype.blockBytes - 4)
                    (start + first).initializeMemory(as: UInt8.self, repeating: 0xFF, count: count)
                    if dtype == .q6_k { (start + 192).initializeMemory(as: UInt8.self, repeating: 0x80, count: 16) }
                }
            }
            let x = (0..<(9 * k)).map { Float($0 % 5 == 0 ? -2 : 2) }
            for instructionSet in sets {
                for rows in [3, 9] {
                    let xs = Array(x[0..<(rows * k)])
                    assertBitsEqual(int8Product(xs, rows: rows, w.matrix, instructionSet),
                                    reference(xs, rows: rows, w.matrix), "\(dtype) \(instructionSet) rows \(rows)")
                }
            }
            withExtendedLifetime(w) {}
        }
    }

    /// Where the model gives NaN the kernel must too; everywhere else the same bits (so a NaN
    /// where the model has a number fails).
    private func assertBitsEqual(_ out: [Float], _ expected: [Float], _ what: String,
                                 file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(expected.contains { $0.isFinite }, "\(what): the model gave no number", file: file, line: line)
        for (i, (got, want)) in zip(out, expected).enumerated() where want.isNaN ? !got.isNaN : got.bitPattern != want.bitPattern {
            XCTFail("\(what): out[\(i)] = \(got), the scalar arithmetic gives \(want)", file: file, line: line)
            return
        }
    }

    // MARK: the scalar model

    private func reference(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        let k = w.columns, superblocks = k / 256
        var out = [Float](repeating: 0, count: rows * w.rows)
        for t in 0..<rows {
            let activations = (0..<superblocks).map { int8ActivationBlock(Array(x[(t * k + $0 * 256)..<(t * k + $0 * 256 + 256)])) }
            for j in 0..<w.rows {
                let row = UnsafeRawPointer(w.base) + j * w.rowBytes
                var f: Float = 0
                for s in 0..<superblocks {
                    let block = superblock(row + s * w.dtype.blockBytes, w.dtype)
                    let (dx, codes) = activations[s]
                    let unit = 256 / block.scales.count
                    var sum = 0, mins = 0
                    for sub in 0..<block.scales.count {
                        let range = (sub * unit)..<(sub * unit + unit)
                        sum += block.scales[sub] * range.reduce(0) { $0 + block.codes[$1] * codes[$1] }
                        mins += block.mins[sub] * range.reduce(0) { $0 + codes[$1] }
                    }
                    if w.dtype == .q6_k {
                        f = f.addingProduct(Float(Int32(sum - mins)) * dx, block.d)
                    } else {
                        f = f.addingProduct(Float(Int32(sum)) * dx, block.d)
                        f = f.addingProduct(-(Float(Int32(mins)) * dx), block.dmin)
                    }
                }
                out[t * w.rows + j] = f
            }
        }
        return out
    }


    /// One superblock as ggml's dequantize_row_q4_K/q5_K/q6_K read it: value = d · scale · code −
    /// dmin · min per sub-block (Q6_K: min = 32 · scale, 16-value sub-blocks).
    private func superblock(_ p: UnsafeRawPointer, _ dtype: WeightDType) -> (d: Float, dmin: Float, scales: [Int], mins: [Int], codes: [Int]) {
        let byte = { (i: Int) in Int(p.load(fromByteOffset: i, as: UInt8.self)) }
        let half = { (i: Int) in Float(Float16(bitPattern: UInt16(byte(i)) | UInt16(byte(i + 1)) << 8)) }
        var codes = [Int](repeating: 0, count: 256)
        if dtype == .q6_k {
            for h in 0..<2 {
                let ql = h * 64, qh = 128 + h * 32
                for l in 0..<32 {
                    codes[h * 128 + l] = byte(ql + l) & 0xF | (byte(qh + l) & 3) << 4
                    codes[h * 128 + l + 32] = byte(ql + l + 32) & 0xF | (byte(qh + l) >> 2 & 3) << 4
                    codes[h * 128 + l + 64] = byte(ql + l) >> 4 | (byte(qh + l) >> 4 & 3) << 4
                    codes[h * 128 + l + 96] = byte(ql + l + 32) >> 4 | (byte(qh + l) >> 6 & 3) << 4
                }
            }
            let scales = (0..<16).map { Int(Int8(bitPattern: UInt8(byte(192 + $0)))) }
            return (half(208), 0, scales, scales.map { 32 * $0 }, codes)
        }
        let five = dtype == .q5_k, qs = five ? 48 : 16
        var scales: [Int] = [], mins: [Int] = []
        for j in 0..<8 {
            let q = { (i: Int) in byte(4 + i) }
            scales.append(j < 4 ? q(j) & 63 : q(j + 4) & 0xF | (q(j - 4) >> 6) << 4)
            mins.append(j < 4 ? q(j + 4) & 63 : q(j + 4) >> 4 | (q(j) >> 6) << 4)
        }
        for chunk in 0..<4 {
            for l in 0..<32 {
                let packed = byte(qs + chunk * 32 + l)
                codes[chunk * 64 + l] = packed & 0xF
                codes[chunk * 64 + 32 + l] = packed >> 4
                if five {
                    let high = byte(16 + l)
                    codes[chunk * 64 + l] |= (high >> (2 * chunk) & 1) << 4
                    codes[chunk * 64 + 32 + l] |= (high >> (2 * chunk + 1) & 1) << 4
                }
            }
        }
        return (half(0), half(2), scales, mins, codes)
    }
}
