import XCTest
@testable import Kernels

final class MatmulTests: XCTestCase {
    /// The float types take any width; the quantised ones are tested in QuantizedMatmulTests.
    private let floatTypes = WeightDType.allCases.filter { !$0.isQuantized }

    func testSingleRowMatchesNaiveLoopForEveryFloatType() {
        for dtype in floatTypes {
            assertMatmulMatchesNaive(rows: 1, k: 37, n: 13, dtype: dtype)
            assertMatmulMatchesNaive(rows: 1, k: 300, n: 65, dtype: dtype)
        }
    }

    func testPackedPanelsMatchNaiveLoopWithRaggedEdges() {
        for dtype in floatTypes {
            assertMatmulMatchesNaive(rows: 17, k: 37, n: 13, dtype: dtype)
            assertMatmulMatchesNaive(rows: 33, k: 300, n: 7, dtype: dtype)
        }
    }

    func testManyBlocksOfWeightRowsClaimedByWorkersAgree() {
        // 12-row blocks handed out one at a time to three workers; the last block is partial.
        assertMatmulMatchesNaive(rows: 24, k: 70, n: MatmulTile.blockRows * 11 + 5, dtype: .bf16, threads: 3)
    }

    func testRowsLongerThanOnePassAccumulateAcrossPasses() {
        // Several passes per block of weight rows, a ragged last pass, and a partial last block.
        assertMatmulMatchesNaive(rows: 40, k: MatmulTile.span + 37, n: 25, dtype: .bf16)
        assertMatmulMatchesNaive(rows: 24, k: MatmulTile.span + 8, n: 13, dtype: .f16)
    }

    func testEveryRowCountAroundThePanelWidthAgrees() {
        for rows in [2, 5, 7, 8, 9, 15, 16] {
            assertMatmulMatchesNaive(rows: rows, k: 19, n: 11, dtype: .f32)
        }
    }

    func testMixedPanelsOfTwentyFourAndSixteenRowsAgree() {
        for rows in [23, 24, 25, 40, 47, 48, 57, 128] {
            assertMatmulMatchesNaive(rows: rows, k: 45, n: 29, dtype: .bf16)
        }
    }

    func testPanelLayoutPadsACanvasAsLittleAsPossible() {
        XCTAssertEqual(PanelLayout(rows: 128).widths, [24, 24, 24, 24, 16, 16])
        XCTAssertEqual(PanelLayout(rows: 256).widths, Array(repeating: 24, count: 10) + [16])
        XCTAssertEqual(PanelLayout(rows: 8).widths, [16])
        XCTAssertEqual(PanelLayout(rows: 17).widths, [24])
        XCTAssertEqual(PanelLayout(rows: 33).widths, [24, 16])
        XCTAssertEqual(PanelLayout(rows: 48).widths, [24, 24])
    }

    func testThreadCountDoesNotChangeTheResult() {
        var random = SplitMix64(seed: 7)
        let x = random.floats(20 * 50)
        let w = StoredWeights(random.floats(31 * 50), rows: 31, columns: 50, dtype: .bf16)
        func run(_ threads: Int) -> [Float] {
            var out = [Float](repeating: 0, count: 20 * 31)
            matmul(x, rows: 20, w.matrix, into: &out, threads: threads)
            return out
        }
        XCTAssertEqual(run(1), run(2))
        XCTAssertEqual(run(1), run(5))
    }
}

final class RowStableMatmulTests: XCTestCase {
    /// A block's rows computed alone equal the same rows of a longer product bit for bit, which
    /// the exact block cache relies on; `matmul`'s few-row path does not promise that.
    func testEachRowIsTheSameWhateverTheRowCount() {
        let K = 4200, N = 37, rows = 40
        var random = SplitMix64(seed: 18)
        let x = random.floats(rows * K)
        let w = StoredWeights(random.floats(N * K), rows: N, columns: K, dtype: .bf16)
        var all = [Float](repeating: 0, count: rows * N)
        x.withUnsafeBufferPointer { rowStableMatmul($0.baseAddress!, rows: rows, w.matrix, into: &all, threads: 2) }
        for (first, count) in [(0, 1), (5, 4), (8, 8), (31, 9)] {
            var part = [Float](repeating: 0, count: count * N)
            x.withUnsafeBufferPointer { rowStableMatmul($0.baseAddress! + first * K, rows: count, w.matrix, into: &part, threads: 1) }
            XCTAssertEqual(part, Array(all[(first * N)..<((first + count) * N)]), "rows \(first)..<\(first + count)")
        }
    }

    /// Quantised weights in int8 mode: each instruction set keeps a row's bits whatever the row count.
    func testInt8RowsAreTheSameWhateverTheRowCount() {
        let saved = (MatmulMode.current, MatmulMode.int8InstructionSet)
        defer { (MatmulMode.current, MatmulMode.int8InstructionSet) = saved }
        MatmulMode.current = .fast
        let K = 512, N = 29, rows = 40
        var random = SplitMix64(seed: 19)
        let x = random.floats(rows * K)
        for dtype in [WeightDType.q8_0, .q4_k] {
            let w = RandomWeights(rows: N, columns: K, dtype: dtype, seed: 20, scale: 0.5)
            for instructionSet in Int8InstructionSet.allCases where instructionSet.isSupported {
                MatmulMode.int8InstructionSet = instructionSet
                var all = [Float](repeating: .nan, count: rows * N)
                x.withUnsafeBufferPointer { rowStableMatmul($0.baseAddress!, rows: rows, w.matrix, into: &all, threads: 2) }
                for (first, count) in [(0, 1), (5, 4), (8, 8), (31, 9)] {
                    var part = [Float](repeating: .nan, count: count * N)
                    x.withUnsafeBufferPointer { rowStableMatmul($0.baseAddress! + first * K, rows: count, w.matrix, into: &part, threads: 1) }
                    XCTAssertEqual(part, Array(all[(first * N)..<((first + count) * N)]), "\(dtype) \(instructionSet) rows \(first)..<\(first + count)")
                }
            }
            withExtendedLifetime(w) {}
        }
    }
}
