import Foundation
import XCTest
import Models
@testable import Decoder
import DecoderTestFixtures

/// dscope's T = 0 decode against the PyTorch reference loop (tools/make_decoder_fixtures.py) on a
/// seeded random-weight checkpoint: the same tokens, committed at the same steps.
final class ReferenceParityTests: XCTestCase {
    private func run(_ name: String) throws {
        let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        let fixture = try ParityFile<ReferenceParityCase>(contentsOf: fixtures.appendingPathComponent("parity.json"))
        let model = try TransformerModel(folder: fixtures.appendingPathComponent(fixture.checkpoint).path, threads: 1)
        let parity = try XCTUnwrap(fixture.cases.first { $0.name == name }, "no case \(name) in parity.json")
        let decode = try DecodeSession(model: model, promptIds: parity.prompt_ids,
                                       generationLength: parity.gen_length, settings: parity.settings)
        try decode.runToEnd()
        XCTAssertEqual(decode.canvas.generatedIds, parity.expected_ids, "tokens of \(name)")
        XCTAssertEqual(decode.canvas.stepMap, parity.expected_step_map, "step map of \(name)")
    }

    func testAROrderMatchesLLaDAWithBlockLengthOne() throws { try run("ar") }
    func testConfidenceOrderWithBlocksMatchesTheReference() throws { try run("confidence-blocks") }
    func testMarginOrderMatchesTheReference() throws { try run("margin") }
    func testEntropyOrderMatchesTheReference() throws { try run("entropy") }
    func testThresholdPointNineMatchesTheReference() throws { try run("threshold-0.9") }
    func testFactorOneMatchesTheReference() throws { try run("factor-1") }
    func testEntropyBoundMatchesTheReference() throws { try run("eb-entropy") }
    func testTwoPerStepWithGuidanceMatchesTheReference() throws { try run("k2-cfg") }
    func testSuppressedEOSMatchesTheReference() throws { try run("suppress-eos") }
}
