import Kernels
import XCTest
@testable import Models

/// A LLaDA GGUF with llama-quantize's Q4_K_M tensor mix (Q4_K, Q6_K, F32 norms; random blocks,
/// tools/make_kquant_fixtures.py) against the PyTorch reference forward on the values it stores.
final class KQuantParityTests: XCTestCase {
    private let folder = "gguf-llada-q4_k_m"

    override func tearDown() {
        MatmulMode.current = .fast
    }

    func testQ4_K_MMixLoadsWithEveryTypeKeptQuantised() throws {
        let file = try GGUFFile(path: Fixture.path(folder + "/model.gguf"))
        XCTAssertEqual(file.tensor("blk.0.attn_q.weight")?.type.weightDType, .q4_k)
        XCTAssertEqual(file.tensor("blk.1.ffn_down.weight")?.type.weightDType, .q6_k)
        XCTAssertEqual(file.tensor("output.weight")?.type.weightDType, .q6_k)
        XCTAssertEqual(file.tensor("blk.0.attn_norm.weight")?.type.weightDType, .f32)
    }

    func testExactLogitsMatchTheReference() throws {
        MatmulMode.current = .exact
        let model = try ModelLocation(Fixture.path(folder + "/model.gguf")).model(threads: 2)
        let expected = try Fixture.expected(folder)
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        XCTAssertEqual(logits.columns, expected.columns)
        var maxDelta: Float = 0
        for (a, b) in zip(logits.values, expected.logits) {
            // Written so that NaN fails.
            guard abs(a - b) <= 1e-4 else { return XCTFail("logit \(a) against the reference's \(b)") }
            maxDelta = max(maxDelta, abs(a - b))
        }
        XCTAssertEqual(logits.values.count, expected.logits.count)
    }

    func testInt8LogitsStayWithinFivePercentOfTheLargestLogit() throws {
        try XCTSkipIf(MatmulMode.int8InstructionSet == nil, "this CPU has no int8 dot-product instructions")
        MatmulMode.current = .fast
        let model = try ModelLocation(Fixture.path(folder + "/model.gguf")).model(threads: 2)
        let expected = try Fixture.expected(folder)
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        guard let (maxDelta, scale) = maxDeltaWithinShareOfLargest(logits.values, expected.logits, share: 0.05,
                                                                   "\(folder): int8 vs reference") else { return }
        XCTAssertGreaterThan(maxDelta, 0, "the int8 path did not run")
        print("\(folder): int8 vs reference logits max |Δ| \(maxDelta) (max |logit| \(scale))")
    }
}
