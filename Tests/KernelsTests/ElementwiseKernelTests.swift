import Foundation
import XCTest
@testable import Kernels

final class ElementwiseKernelTests: XCTestCase {
    func testExp16IsWithinTwoUlpsOfLibmAcrossTheRange() {
        var values: [Float] = []
        var x: Float = -87
        while x < 88 { values.append(x); x += 0.173 }
        for chunk in stride(from: 0, to: values.count - 16, by: 16) {
            var v = SIMD16<Float>()
            for j in 0..<16 { v[j] = values[chunk + j] }
            let e = exp16(v)
            for j in 0..<16 {
                let expected = Float(Foundation.exp(Double(v[j])))
                XCTAssertEqual(e[j], expected, accuracy: expected.ulp * 3, "x=\(v[j])")
            }
        }
    }

    func testExpInPlaceHandlesTailsAndUnderflow() {
        var values: [Float] = [0, 1, -1, -200, 2.5]
        expInPlace(&values, count: values.count)
        XCTAssertEqual(values[0], 1, accuracy: 1e-7)
        XCTAssertEqual(values[1], Float(M_E), accuracy: 1e-6)
        XCTAssertEqual(values[2], Float(1 / M_E), accuracy: 1e-7)
        XCTAssertEqual(values[3], 0, accuracy: 1e-37)
        XCTAssertEqual(values[4], Foundation.exp(2.5), accuracy: 1e-5)
    }

    func testRMSNormScalesEachRowToUnitRootMeanSquare() {
        var random = SplitMix64(seed: 3)
        let width = 37, rows = 3
        let x = random.floats(rows * width, scale: 3)
        let weight = random.floats(width)
        var out = [Float](repeating: 0, count: rows * width)
        rmsNorm(x, rows: rows, width: width, weight: weight, eps: 1e-5, into: &out)
        for t in 0..<rows {
            let row = x[(t * width)..<((t + 1) * width)]
            let meanSquare = row.map { Double($0) * Double($0) }.reduce(0, +) / Double(width)
            let scale = 1 / (meanSquare + 1e-5).squareRoot()
            for i in 0..<width {
                XCTAssertEqual(out[t * width + i], Float(Double(x[t * width + i]) * scale) * weight[i],
                               accuracy: 1e-5)
            }
        }
    }

    func testRotaryEmbeddingRotatesHalvesByPositionTimesFrequency() {
        let headDim = 6, heads = 2, rows = 3
        var random = SplitMix64(seed: 11)
        let x = random.floats(rows * heads * headDim)
        var rotated = x
        RotaryEmbedding(headDim: headDim, theta: 10_000).apply(&rotated, rows: rows, heads: heads)
        for t in 0..<rows {
            for h in 0..<heads {
                for i in 0..<headDim / 2 {
                    let frequency = 1 / pow(10_000, Double(2 * i) / Double(headDim))
                    let angle = Double(t) * frequency
                    let base = (t * heads + h) * headDim
                    let x1 = Double(x[base + i]), x2 = Double(x[base + i + headDim / 2])
                    XCTAssertEqual(rotated[base + i], Float(x1 * cos(angle) - x2 * sin(angle)), accuracy: 1e-5)
                    XCTAssertEqual(rotated[base + i + headDim / 2], Float(x2 * cos(angle) + x1 * sin(angle)),
                                   accuracy: 1e-5)
                }
            }
        }
    }

    func testPositionZeroIsLeftUnrotated() {
        var x: [Float] = [1, 2, 3, 4]
        RotaryEmbedding(headDim: 4, theta: 500_000).apply(&x, rows: 1, heads: 1)
        XCTAssertEqual(x, [1, 2, 3, 4])
    }

    func testSwiGLUMultipliesSiluOfGateByUp() {
        var random = SplitMix64(seed: 5)
        let count = 37
        var gate = random.floats(count, scale: 8)
        let original = gate
        let up = random.floats(count)
        swiGLU(gate: &gate, up: up, count: count)
        for i in 0..<count {
            let g = Double(original[i])
            XCTAssertEqual(gate[i], Float(g / (1 + exp(-g)) * Double(up[i])), accuracy: 1e-5)
        }
    }
}
