import XCTest
@testable import Kernels
import Tolerance

/// Q8_0 and Q4_0 weights, dequantised inside the matmul, against a scalar decode of the same bytes
/// followed by a naive float64 matmul.
final class QuantizedMatmulTests: XCTestCase {
    // These check the exact path; Int8MatmulTests checks the int8 one.
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    private let quantizedTypes: [WeightDType] = [.q8_0, .q4_0]

    func testFewRowsPathMatchesNaiveDequantiseAndMultiply() {
        for dtype in quantizedTypes {
            assertMatmulMatchesNaive(rows: 1, k: 32, n: 13, dtype: dtype)
            assertMatmulMatchesNaive(rows: 3, k: 96, n: 65, dtype: dtype)
        }
    }

    func testPackedPathMatchesNaiveDequantiseAndMultiplyWithRaggedEdges() {
        for dtype in quantizedTypes {
            assertMatmulMatchesNaive(rows: 17, k: 64, n: 13, dtype: dtype)
            assertMatmulMatchesNaive(rows: 33, k: 96, n: 7, dtype: dtype)
        }
    }

    func testRowsLongerThanOnePassStartEachPassOnABlock() {
        for dtype in quantizedTypes {
            assertMatmulMatchesNaive(rows: 24, k: MatmulTile.span + 64, n: 25, dtype: dtype)
        }
    }

    func testQ4_0LowNibblesAreTheFirstSixteenValues() {
        // Scale 0.5; byte i holds code i in its low nibble and code 15 − i in its high nibble.
        var bytes: [UInt8] = [0x00, 0x38]
        for i in 0..<16 { bytes.append(UInt8(i) | UInt8(15 - i) << 4) }
        let low: [Float] = (0..<16).map { Float($0 - 8) * 0.5 }
        let high: [Float] = (0..<16).map { Float(7 - $0) * 0.5 }
        XCTAssertEqual(floats(of: bytes, .q4_0), low + high)
    }

    func testQ8_0ValuesAreSignedCodesTimesTheScale() {
        // Scale 2.0; codes 0, −1, 2, −3, …
        var bytes: [UInt8] = [0x00, 0x40]
        for i in 0..<32 { bytes.append(UInt8(bitPattern: Int8(i % 2 == 0 ? i : -i))) }
        let expected: [Float] = (0..<32).map { i in Float(i % 2 == 0 ? i : -i) * 2 }
        XCTAssertEqual(floats(of: bytes, .q8_0), expected)
    }

    func testEmbeddingRowLookupDequantisesTheRow() {
        var random = SplitMix64(seed: 11)
        for dtype in quantizedTypes {
            let w = StoredWeights(random.floats(3 * 64), rows: 3, columns: 64, dtype: dtype)
            var row = [Float](repeating: .nan, count: 64)
            w.matrix.copyRow(2, into: &row)
            XCTAssertEqual(row, Array(w.values[128..<192]), "\(dtype)")
            XCTAssertEqual(w.matrix.byteCount, 3 * 2 * dtype.blockBytes)
        }
    }

    func testTestEncoderRoundTripsWithinOneCodeStep() {
        var random = SplitMix64(seed: 5)
        let values = random.floats(64)
        for dtype in quantizedTypes {
            let decoded = QuantizedTestBlocks.decode(QuantizedTestBlocks.encode(values, dtype), dtype)
            // Q8_0 rounds to the nearest code; Q4_0's codes stop at +7, a step short of +8.
            let bound: Float = dtype == .q8_0 ? 0.6 / 127 : 1.05 / 8
            XCTAssertLessThanOrEqual(maxAbsDifference(decoded, values), bound, "\(dtype)")
        }
    }

    private func floats(of bytes: [UInt8], _ dtype: WeightDType) -> [Float] {
        bytes.withUnsafeBytes { raw in
            WeightMatrix(base: raw.baseAddress!, rows: 1, columns: 32, dtype: dtype).floats()
        }
    }
}
