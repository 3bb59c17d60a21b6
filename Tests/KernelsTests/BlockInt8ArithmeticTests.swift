import XCTest
@testable import Kernels

/// The int8 path's Q8_0/Q4_0 arithmetic (CKernels/int8_kernels.c) bit for bit against a scalar
/// model of it: per 32 activation values d_x = max|x| / 127 and codes round(x / d_x); per block
/// of the weight row the exact integer Σ q · x of its signed values q (Q8_0 as stored, Q4_0 the
/// nibble − 8), then out += d · (d_x · Σ), one fused multiply-add a block. AVX2 (signed Q8_0
/// codes), the VNNI panel tile (codes + 128 with the sum started at −128 · Σ x) and the few-row
/// tiles compute the same integers, so they must all give these bits.
final class BlockInt8ArithmeticTests: XCTestCase {
    func testEveryTileGivesTheScalarArithmeticsBits() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        for dtype in [WeightDType.q8_0, .q4_0] {
            // 160 columns: a 32-column tail after two 64-column chunks in the few-row tiles.
            let (k, n) = (160, 23)
            let w = RandomWeights(rows: n, columns: k, dtype: dtype, seed: 81, scale: 0.5)
            var random = SplitMix64(seed: 82)
            var x = random.floats(21 * k, scale: 3)
            x[2 * k + 70] = .infinity  // row 2 is NaN throughout
            for instructionSet in sets {
                for rows in [1, 4, 6, 16, 21] {
                    let xs = Array(x[0..<(rows * k)])
                    let out = int8Product(xs, rows: rows, w.matrix, instructionSet), expected = reference(xs, rows: rows, w.matrix)
                    XCTAssertTrue(expected.contains { $0.isFinite }, "\(dtype): the model gave no number")
                    for (i, (got, want)) in zip(out, expected).enumerated() where want.isNaN ? !got.isNaN : got.bitPattern != want.bitPattern {
                        XCTFail("\(dtype) \(instructionSet) rows \(rows): out[\(i)] = \(got), the scalar arithmetic gives \(want)")
                        break
                    }
                }
            }
            withExtendedLifetime(w) {}
        }
    }

    private func reference(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        let k = w.columns, blocks = k / 32, bytes = w.dtype.blockBytes
        var out = [Float](repeating: 0, count: rows * w.rows)
        for t in 0..<rows {
            let activations = (0..<blocks).map { int8ActivationBlock(Array(x[(t * k + $0 * 32)..<(t * k + $0 * 32 + 32)])) }
            for j in 0..<w.rows {
                let row = UnsafeRawPointer(w.base) + j * w.rowBytes
                var f: Float = 0
                for block in 0..<blocks {
                    let p = row + block * bytes
                    let byte = { (i: Int) in p.load(fromByteOffset: i, as: UInt8.self) }
                    let d = Float(Float16(bitPattern: UInt16(byte(0)) | UInt16(byte(1)) << 8))
                    let values: [Int] = w.dtype == .q8_0
                        ? (0..<32).map { Int(Int8(bitPattern: byte(2 + $0))) }
                        : (0..<16).map { Int(byte(2 + $0) & 0xF) - 8 } + (0..<16).map { Int(byte(2 + $0) >> 4) - 8 }
                    let (dx, codes) = activations[block]
                    let sum = (0..<32).reduce(0) { $0 + values[$1] * codes[$1] }
                    f = f.addingProduct(Float(Int32(sum)) * dx, d)
                }
                out[t * w.rows + j] = f
            }
        }
        return out
    }

}
