import Kernels
import XCTest
@testable import Models
import Tolerance

/// A random Dream checkpoint in the Hugging Face layout (tools/make_dream_fixtures.py) against
/// tools/dream_reference.py.
final class DreamParityTests: XCTestCase {
    // Against fp32 references: the exact matmul (bf16 weights take vdpbf16ps otherwise, where the
    // CPU has AVX512-BF16; BF16DotForwardTests measures that path's distance).
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    func testBFloat16DreamMatchesReferenceLogits() throws {
        let model = try ModelLocation(Fixture.path("dream-bf16")).model(threads: 2)
        let expected = try Fixture.expected("dream-bf16")
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        let maxDelta = maxAbsDifference(logits.values, expected.logits)
        XCTAssertLessThanOrEqual(maxDelta, 1e-4, "max |Δ| = \(maxDelta)")
    }

    func testDreamConfigMapsQwen2KeysOntoTheBlockStack() throws {
        let config = try ArchitectureRegistry.configuration(folder: Fixture.path("dream-bf16")).transformer
        XCTAssertEqual(config.architecture, "dream")
        XCTAssertEqual([config.dModel, config.nLayers, config.nHeads, config.nKVHeads, config.mlpHiddenSize],
                       [64, 2, 4, 2, 96])
        XCTAssertEqual(config.ropeTheta, 1_000_000)
        XCTAssertEqual(config.rmsNormEps, 1e-6)
        XCTAssertEqual(config.maskTokenId, 802)
        XCTAssertTrue(config.traits.qkvBias)
        XCTAssertFalse(config.weightTying)
    }

    func testDreamReadsItsPredictionsOneRowEarlier() throws {
        let model = try ModelLocation(Fixture.path("dream-bf16")).model(threads: 1)
        XCTAssertTrue(model.shiftsLogits)
        XCTAssertFalse(try ModelLocation(Fixture.path("llada-f32")).model(threads: 1).shiftsLogits)
    }

    func testRopeScalingIsRefused() throws {
        let folder = NSTemporaryDirectory() + "dream-rope-scaling-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = """
        {"model_type": "Dream", "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
         "num_attention_heads": 4, "vocab_size": 832, "rope_scaling": {"type": "yarn", "factor": 4}}
        """
        try config.write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try ArchitectureRegistry.configuration(folder: folder)) { error in
            XCTAssertTrue("\(error)".contains("rope_scaling"), "\(error)")
            XCTAssertTrue("\(error)".hasPrefix(folder + "/config.json"), "\(error)")
        }
    }
}
