import XCTest
@testable import Kernels

/// Floats into Q8_0 and Q4_0 blocks byte for byte as gguf-py's `gguf.quants.quantize` (itself
/// ggml-quants.c's reference) writes them, and back within half a step.
final class BlockQuantizationTests: XCTestCase {
    /// (arange(64) − 20.5) · 0.37 in float32, x[5] = 0, x[40] = −30.25: two blocks, one led by a
    /// negative extreme. Expected bytes from gguf-py 0.x:
    /// `gguf.quants.quantize(x.reshape(1, 64), GGMLQuantizationType.Q8_0 / Q4_0).tobytes().hex()`.
    private var values: [Float] {
        var x = (0..<64).map { (Float($0) - 20.5) * Float(0.37) }
        x[5] = 0
        x[40] = -30.25
        return x
    }

    func testQ8_0BlocksEqualGGUFPy() {
        var bytes = [UInt8](repeating: 0, count: 2 * QuantizedBlock.q8_0Bytes)
        QuantizedBlock.quantizeQ8_0(values, count: 64, into: &bytes)
        XCTAssertEqual(hex(bytes), "a52b81878d949a00a6acb3b9bfc5cbd2d8dee4eaf1f7fd03090f161c22282e353b419f3312131517181a1b1d81202123252628292b2c2e2f3132343637393a3c3d3f4042")
        assertWithinHalfAStep(bytes, .q8_0, step: { $0.map(abs).max()! / 127 })
    }

    func testQ4_0BlocksEqualGGUFPy() {
        var bytes = [UInt8](repeating: 0, count: 2 * QuantizedBlock.q4_0Bytes)
        QuantizedBlock.quantizeQ4_0(values, count: 64, into: &bytes)
        XCTAssertEqual(hex(bytes), "963b607071718288929393a4a4b4b5b5c5c69043b9b9b9b9babababab0cacacacacacacb")
        assertWithinHalfAStep(bytes, .q4_0, step: { $0.map(abs).max()! / 8 })
    }

    func testAnAllZeroBlockHasScaleZeroAndNoNaN() {
        var bytes = [UInt8](repeating: 0xFF, count: QuantizedBlock.q8_0Bytes)
        QuantizedBlock.quantizeQ8_0([Float](repeating: 0, count: 32), count: 32, into: &bytes)
        XCTAssertEqual(bytes, [UInt8](repeating: 0, count: QuantizedBlock.q8_0Bytes))
    }

    private func assertWithinHalfAStep(_ bytes: [UInt8], _ dtype: WeightDType, step: ([Float]) -> Float,
                                       file: StaticString = #filePath, line: UInt = #line) {
        let decoded = bytes.withUnsafeBytes { WeightMatrix(base: $0.baseAddress!, rows: 1, columns: 64, dtype: dtype).floats() }
        for block in 0..<2 {
            let original = Array(values[(block * 32)..<(block * 32 + 32)])
            // Half a step, plus the f16 rounding of the scale (2⁻¹¹ relative) times a code of up to 127.
            let bound = step(original) * 0.57 + 1e-6
            for i in 0..<32 where !(abs(decoded[block * 32 + i] - original[i]) <= bound) {
                XCTFail("\(dtype) value \(block * 32 + i): \(decoded[block * 32 + i]) for \(original[i])", file: file, line: line)
            }
        }
    }

    private func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}
