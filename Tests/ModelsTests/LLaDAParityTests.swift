import Kernels
import XCTest
@testable import Models
import Tolerance

/// The Swift forward against the PyTorch reference (tools/llada_reference.py) on stored weights.
final class LLaDAParityTests: XCTestCase {
    // Against fp32 references: the exact matmul (bf16 weights take vdpbf16ps otherwise, where the
    // CPU has AVX512-BF16; BF16DotForwardTests measures that path's distance).
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    private func assertMatchesReference(_ folder: String, threads: Int = 2,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try TransformerModel(folder: Fixture.path(folder), threads: threads)
        let expected = try Fixture.expected(folder)
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        XCTAssertEqual(logits.columns, expected.columns, file: file, line: line)
        let maxDelta = maxAbsDifference(logits.values, expected.logits)
        XCTAssertLessThanOrEqual(maxDelta, 1e-4, "\(folder): max |Δ| = \(maxDelta)", file: file, line: line)
    }

    func testFloat32CheckpointMatchesReferenceLogits() throws {
        try assertMatchesReference("llada-f32")
    }

    func testBFloat16CheckpointMatchesReferenceLogits() throws {
        try assertMatchesReference("llada-bf16")
    }

    func testGroupedKVCheckpointMatchesReferenceLogits() throws {
        try assertMatchesReference("llada-gqa")
    }

    func testShardedCheckpointMatchesReferenceLogits() throws {
        try assertMatchesReference("llada-sharded")
    }

    func testTiedHeadReusesTheEmbedding() throws {
        try assertMatchesReference("llada-tied")
    }

    func testSingleThreadGivesTheSameLogits() throws {
        try assertMatchesReference("llada-bf16", threads: 1)
    }

    /// tools/export_tiny.py writes the fixture from the weights it bundles.
    func testBundledModelMatchesItsPyTorchLogits() throws {
        let model = try ModelLocation(ModelLocation.defaultName).model(threads: 2)
        let expected = try Fixture.expected("tiny-arith")
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        XCTAssertEqual(logits.columns, expected.columns)
        let maxDelta = maxAbsDifference(logits.values, expected.logits)
        XCTAssertLessThanOrEqual(maxDelta, 1e-4, "tiny-arith: max |Δ| = \(maxDelta)")
    }

    func testLogitsOfChosenPositionsEqualTheirRowsInTheFullOutput() throws {
        let model = try TransformerModel(folder: Fixture.path("llada-f32"), threads: 2)
        let ids = try Fixture.expected("llada-f32").ids
        let full = try model.logits(tokens: ids, positions: Array(ids.indices))
        let chosen = try model.logits(tokens: ids, positions: [7, 2])
        XCTAssertEqual(chosen.rows, 2)
        // Few rows take the matmul's row-by-row path, so sums may differ in the last bits.
        for (row, position) in [(0, 7), (1, 2)] {
            let delta = maxAbsDifference(chosen.row(row), full.row(position))
            XCTAssertLessThanOrEqual(delta, 1e-5)
        }
    }
}
