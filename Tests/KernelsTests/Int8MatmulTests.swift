import XCTest
@testable import Kernels

/// The int8 path against the exact product of the same stored weights, on every instruction set
/// this CPU has. Its only approximation is the activations' quantisation: each x is rounded to a
/// multiple of its block's step d = max|x| / 127, so |Δ out| ≤ Σ_k |w_k| · d(k) / 2, plus fp32
/// rounding of the per-run sums. The bound below takes d over 32 values for every type, though
/// the k-quants' blocks are 256 values (a larger d): it holds them to the Q8_0-style path's bound.
/// A wrong code, scale or lane is far outside that bound.
final class Int8MatmulTests: XCTestCase {
    private let types: [WeightDType] = [.q8_0, .q4_0, .q4_k, .q5_k, .q6_k]

    func testEveryQuantisedTypeIsWithinHalfAnActivationStepOfTheExactProduct() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        for instructionSet in sets {
            for dtype in types {
                let k = dtype.blockLength == 256 ? 768 : 96
                for (rows, n) in [(8, 13), (17, 25), (40, 9)] {
                    assertInt8MatchesExact(rows: rows, k: k, n: n, dtype: dtype, instructionSet)
                }
            }
        }
    }

    func testLongRowsSumEveryRun() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        for instructionSet in sets {
            for dtype in types {
                assertInt8MatchesExact(rows: 9, k: 4096 + 256, n: 5, dtype: dtype, instructionSet)
            }
        }
    }

    /// A fused projection (LLaDA2's query_key_value) is split into row slices of one mapped matrix.
    func testARowSliceOfAQuantisedMatrixMultipliesLikeTheSlice() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        let weights = RandomWeights(rows: 48, columns: 64, dtype: .q8_0, seed: 11, scale: 0.5)
        let whole = weights.matrix
        let slice = WeightMatrix(base: whole.base + 5 * whole.rowBytes, rows: 32, columns: 64, dtype: .q8_0)
        var random = SplitMix64(seed: 12)
        let x = random.floats(16 * 64)
        let saved = MatmulMode.current
        defer { MatmulMode.current = saved }
        MatmulMode.current = .exact
        let exact = product(x, rows: 16, slice)
        let scale = exact.map(abs).reduce(Float(0)) { Swift.max($0, $1) }
        for instructionSet in sets {
            let int8 = int8Product(x, rows: 16, slice, instructionSet)
            let worst = zip(int8, exact).map { abs($0 - $1) }.reduce(Float(0)) { $1.isNaN || $0.isNaN ? .nan : Swift.max($0, $1) }
            XCTAssertLessThanOrEqual(worst, 0.02 * scale, "\(instructionSet): max |Δ| \(worst) of max |out| \(scale)")
        }
        withExtendedLifetime(weights) {}
    }

    func testANaNInputRowMakesItsOutputsNaNAndNoOthers() throws {
        let sets = Int8InstructionSet.allCases.filter(\.isSupported)
        try XCTSkipIf(sets.isEmpty, "this CPU has no int8 dot-product instructions")
        let w = RandomWeights(rows: 9, columns: 256, dtype: .q4_k, seed: 4, scale: 0.5)
        var random = SplitMix64(seed: 8)
        var x = random.floats(10 * 256)
        x[3 * 256 + 100] = .nan
        for instructionSet in sets {
            let out = int8Product(x, rows: 10, w.matrix, instructionSet)
            for t in 0..<10 {
                let row = out[(t * 9)..<(t * 9 + 9)]
                XCTAssertTrue(t == 3 ? row.allSatisfy(\.isNaN) : row.allSatisfy(\.isFinite), "row \(t) \(instructionSet)")
            }
        }
    }

    /// Exact mode dequantises (the packed fp32 kernel's bits); int8 mode takes the int8 path at
    /// every row count, and a few rows alone give the bits they have inside a longer product.
    func testModeExactTakesTheExactPathAndFewRowsTheInt8One() throws {
        try XCTSkipIf(MatmulMode.int8InstructionSet == nil, "this CPU has no int8 dot-product instructions")
        let w = RandomWeights(rows: 5, columns: 64, dtype: .q8_0, seed: 6, scale: 0.5)
        var random = SplitMix64(seed: 7)
        let x = random.floats(16 * 64)
        let saved = MatmulMode.current
        defer { MatmulMode.current = saved }
        MatmulMode.current = .exact
        let exact = product(x, rows: 16, w.matrix)
        let packed = w.matrix.floats().withUnsafeBytes { raw in
            product(x, rows: 16, WeightMatrix(base: raw.baseAddress!, rows: 5, columns: 64, dtype: .f32))
        }
        XCTAssertEqual(exact.map(\.bitPattern), packed.map(\.bitPattern))
        MatmulMode.current = .fast
        let many = product(x, rows: 16, w.matrix)
        let fewRows = product(Array(x[0..<(3 * 64)]), rows: 3, w.matrix)
        XCTAssertEqual(fewRows.map(\.bitPattern), many[0..<(3 * 5)].map(\.bitPattern))
        XCTAssertNotEqual(fewRows.map(\.bitPattern), exact[0..<(3 * 5)].map(\.bitPattern))
    }

    private func assertInt8MatchesExact(rows: Int, k: Int, n: Int, dtype: WeightDType, _ instructionSet: Int8InstructionSet,
                                        file: StaticString = #filePath, line: UInt = #line) {
        let w = RandomWeights(rows: n, columns: k, dtype: dtype, seed: UInt64(rows * 31 + k + n), scale: 0.5)
        let values = w.matrix.floats()
        var random = SplitMix64(seed: UInt64(rows + 7 * n))
        // Rows of very different magnitudes, and a row at ±max that drives codes to ±127.
        var x: [Float] = []
        for t in 0..<rows {
            let magnitude: Float = [1, 1e-3, 40, 0.25][t % 4]
            x += t == 1 ? (0..<k).map { $0 % 3 == 0 ? magnitude : -magnitude } : random.floats(k, scale: magnitude)
        }
        let out = int8Product(x, rows: rows, w.matrix, instructionSet)
        var worstExcess = -Float.infinity, differs = false
        for t in 0..<rows {
            let xs = x[(t * k)..<(t * k + k)]
            for j in 0..<n {
                let ws = values[(j * k)..<(j * k + k)]
                var exact = 0.0, stepBound = 0.0, magnitude = 0.0
                for block in stride(from: 0, to: k, by: 32) {
                    let step = Double(xs[(t * k + block)..<(t * k + block + 32)].map(abs).max()!) / 127
                    for i in block..<(block + 32) {
                        let wi = Double(ws[j * k + i]), xi = Double(xs[t * k + i])
                        exact += wi * xi
                        stepBound += abs(wi) * step * (0.5 + 1e-4)
                        magnitude += 0.5 * 3 * abs(xi)  // |a·code| + |b| ≤ 3 · scale (RandomWeights)
                    }
                }
                let runs = Double(k / (dtype == .q6_k ? 16 : 32))
                let rounding = (runs + 10) * Double(Float.ulpOfOne) * magnitude
                let difference = abs(Double(out[t * n + j]) - exact)
                // Written so that NaN fails.
                if !(difference <= stepBound + rounding) {
                    XCTFail("\(dtype) \(instructionSet) T=\(rows) K=\(k) N=\(n) out[\(t)][\(j)] = \(out[t * n + j]), exact \(exact), bound \(stepBound + rounding)",
                            file: file, line: line)
                    return
                }
                worstExcess = max(worstExcess, Float(difference - stepBound - rounding))
                differs = differs || Float(exact) != out[t * n + j]
            }
        }
        XCTAssertTrue(differs, "\(dtype) \(instructionSet): the int8 path gave the exact product", file: file, line: line)
    }

    private func product(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in
                matmul(xs.baseAddress!, rows: rows, w, into: o.baseAddress!, threads: 2)
            }
        }
        return out
    }
}
