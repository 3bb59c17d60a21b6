import Kernels
import Foundation
import XCTest
import Models
@testable import Decoder
import DecoderTestFixtures

/// dscope's `--timesteps` decode against Dream's own loop (tools/dream_generate.py, a
/// reimplementation of the official diffusion_generate; fixtures by
/// tools/make_dream_decoder_fixtures.py) on a seeded random Dream checkpoint at T = 0: the same
/// tokens at the same steps, steps that commit nothing included. origin reads dscope's own noise
/// streams on both sides.
final class DreamScheduleParityTests: XCTestCase {
    // Against fp32 references: the exact matmul (bf16 weights take vdpbf16ps otherwise, where the
    // CPU has AVX512-BF16; BF16DotForwardTests measures that path's distance).
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    private struct Case: Decodable {
        var name: String
        var gen_length: Int
        var steps: Int
        var order: String
        var seed: UInt64
        var prompt_ids: [Int]
        var expected_ids: [Int]
        var expected_step_map: [Int]
        var idle_steps: [Int]
    }

    private func run(_ name: String) throws {
        let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        let fixture = try ParityFile<Case>(contentsOf: fixtures.appendingPathComponent("dream-parity.json"))
        let model = try TransformerModel(folder: fixtures.appendingPathComponent(fixture.checkpoint).path, threads: 1)
        let parity = try XCTUnwrap(fixture.cases.first { $0.name == name }, "no case \(name) in dream-parity.json")
        let settings = DecodeSettings(order: try XCTUnwrap(DecodeOrder(rawValue: parity.order)),
                                      parallelism: .timesteps(steps: parity.steps), seed: parity.seed)
        let decode = try DecodeSession(model: model, promptIds: parity.prompt_ids,
                                       generationLength: parity.gen_length, settings: settings)
        try decode.runToEnd()
        XCTAssertEqual(decode.canvas.generatedIds, parity.expected_ids, "tokens of \(name)")
        XCTAssertEqual(decode.canvas.stepMap, parity.expected_step_map, "step map of \(name)")
        XCTAssertEqual(decode.history.filter(\.commits.isEmpty).map(\.step), parity.idle_steps, "idle steps of \(name)")
        XCTAssertEqual(decode.history.count, parity.expected_step_map.max(), "steps of \(name)")
    }

    func testConfidenceWithStepsEqualToTheLengthCommitsNothingAtStepOne() throws { try run("confidence-len12-steps12") }
    func testConfidenceWithMoreStepsThanTokens() throws { try run("confidence-len12-steps20") }
    func testMarginWithStepsEqualToTheLength() throws { try run("margin-len12-steps12") }
    func testMarginWithMoreStepsThanTokens() throws { try run("margin-len12-steps20") }
    func testEntropyWithStepsEqualToTheLength() throws { try run("entropy-len12-steps12") }
    func testEntropyWithMoreStepsThanTokens() throws { try run("entropy-len12-steps20") }
    func testOriginFlipsWithStepsEqualToTheLength() throws { try run("origin-len12-steps12") }
    func testOriginFlipsWithMoreStepsThanTokens() throws { try run("origin-len12-steps20") }
    func testConfidenceWithFewerStepsThanTokens() throws { try run("confidence-len16-steps8") }
}
