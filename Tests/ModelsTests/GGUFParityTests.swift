import Kernels
import XCTest
@testable import Models
import Tolerance

/// GGUF files in llama.cpp's layout (tools/make_gguf_fixtures.py) against the PyTorch reference run
/// on the very values each file stores: quantised blocks dequantised, LLaDA's q/k row permutation undone.
/// The exact matmul: the int8 path's distance from these logits is Int8ForwardTests' subject.
final class GGUFParityTests: XCTestCase {
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    private func assertMatchesReference(_ folder: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try ModelLocation(Fixture.path(folder + "/model.gguf")).model(threads: 2)
        let expected = try Fixture.expected(folder)
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        XCTAssertEqual(logits.columns, expected.columns, file: file, line: line)
        let maxDelta = maxAbsDifference(logits.values, expected.logits)
        XCTAssertLessThanOrEqual(maxDelta, 1e-4, "\(folder): max |Δ| = \(maxDelta)", file: file, line: line)
    }

    func testFloat16LLaDAMatchesReference() throws {
        try assertMatchesReference("gguf-llada-f16")
    }

    func testBFloat16LLaDAMatchesReference() throws {
        try assertMatchesReference("gguf-llada-bf16")
    }

    func testQ8_0LLaDAMatchesReferenceOnDequantisedWeights() throws {
        try assertMatchesReference("gguf-llada-q8_0")
    }

    func testQ4_0LLaDAWithTiedHeadMatchesReferenceOnDequantisedWeights() throws {
        try assertMatchesReference("gguf-llada-q4_0")
    }

    func testQ8_0DreamWithBiasesMatchesReference() throws {
        try assertMatchesReference("gguf-dream-q8_0")
    }

    func testLLaDAHyperparametersComeFromLLaDAKeys() throws {
        let file = try GGUFFile(path: Fixture.path("gguf-llada-q8_0/model.gguf"))
        let (config, layout) = try GGUFHyperparameters.read(file)
        XCTAssertEqual(config.architecture, "llada")
        XCTAssertEqual([config.dModel, config.nLayers, config.nHeads, config.nKVHeads, config.mlpHiddenSize],
                       [64, 2, 4, 2, 96])
        XCTAssertEqual(config.embeddingSize, 832)
        XCTAssertEqual(config.ropeTheta, 500_000)
        XCTAssertEqual(config.rmsNormEps, 1e-5)
        XCTAssertEqual([config.maskTokenId, config.eosTokenId], [802, 801])
        XCTAssertFalse(config.traits.shiftsLogits)
        XCTAssertFalse(config.weightTying)
        XCTAssertEqual(layout.rotaryPairing, .adjacent, "llama.cpp permutes LLaDA's q/k rows")
    }

    func testDreamShiftsLogitsUnlessTheFileSaysOtherwise() throws {
        let file = try GGUFFile(path: Fixture.path("gguf-dream-q8_0/model.gguf"))
        XCTAssertNil(file.metadata["diffusion.shift_logits"])
        let (config, layout) = try GGUFHyperparameters.read(file)
        XCTAssertTrue(config.traits.shiftsLogits)
        XCTAssertTrue(config.traits.qkvBias)
        XCTAssertEqual(layout.rotaryPairing, .halves, "llama.cpp keeps Dream's rows in rotate-half order")
    }

    func testMissingOutputTensorMeansTiedHead() throws {
        let file = try GGUFFile(path: Fixture.path("gguf-llada-q4_0/model.gguf"))
        XCTAssertNil(file.tensor("output.weight"))
        XCTAssertTrue(try GGUFHyperparameters.read(file).config.weightTying)
    }

    func testTokenizerFromMetadataEncodesLikeTheHuggingFaceFiles() throws {
        let tokenizer = try XCTUnwrap(ModelLocation(Fixture.path("gguf-llada-q8_0/model.gguf")).tokenizer())
        let expected = try TokenizerFixture.expected("digits-bytelevel")
        XCTAssertEqual(tokenizer.vocabularySize, expected.vocabularySize, "unused padding ids add no tokens")
        for sample in expected.cases {
            XCTAssertEqual(try tokenizer.encode(sample.text), sample.ids, sample.text)
            XCTAssertEqual(tokenizer.decode(sample.ids), sample.decoded, sample.text)
        }
        XCTAssertEqual(tokenizer.specialTokens, SpecialTokens(bos: 800, eos: 801, pad: 801, mask: 802, endOfTurn: 805))
        XCTAssertEqual(try tokenizer.chatTemplate(), try TokenizerFixture.tokenizer("digits-bytelevel").chatTemplate())
        XCTAssertTrue(tokenizer.isSpecial(802))
    }
}
