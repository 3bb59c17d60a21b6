import XCTest
import Kernels
@testable import Models
@testable import Decoder

/// Fast-dLLM's prefix and dual caches in a session, on a small LLaDA with random weights.
final class CacheModeTests: XCTestCase {
    private let prompt = [3, 9, 14, 5]

    private func randomModel(shiftsLogits: Bool = false) throws -> TransformerModel {
        var config = TransformerConfig(dModel: 32, nLayers: 2, nHeads: 4, nKVHeads: 2, mlpHiddenSize: 48,
                                 vocabSize: 40, maxSequenceLength: 64, ropeTheta: 10_000)
        config.maskTokenId = 39
        config.eosTokenId = 38
        config.traits.shiftsLogits = shiftsLogits
        return TransformerModel(config: config, weights: try TransformerWeights(config: config, source: SyntheticWeights(dtype: .f32)),
                          threads: 1)
    }

    private func decode(_ model: DenoisingModel, _ cache: CacheMode, block: Int = 4) throws -> DecodeSession {
        try DecodeSession(model: model, promptIds: prompt, generationLength: 12,
                          settings: DecodeSettings(blockLength: block, parallelism: .perStep(k: 1), cache: cache))
    }

    private func sameStep(_ a: StepRecord, _ b: StepRecord) -> Bool {
        a.commits == b.commits && a.maskedEntropyNats == b.maskedEntropyNats && a.maskedGuesses == b.maskedGuesses
    }

    func testTheFirstStepOfACachedDecodeIsTheExactStep() throws {
        let model = try randomModel()
        for mode in [CacheMode.prefix, .dual] {
            let exact = try decode(model, .exact).step()
            let cached = try decode(model, mode).step()
            XCTAssertEqual(cached.commits, exact.commits, "\(mode)")
        }
    }

    func testEveryBlockStartsWithOneFullForwardAndCountsOnePassPerStep() throws {
        let session = try decode(try randomModel(), .dual)
        try session.runToEnd()
        XCTAssertEqual(session.history.count, 12)
        XCTAssertEqual(session.forwardPasses, 12)
        XCTAssertTrue(session.isComplete)
    }

    func testDualCacheCarriesLaterBlocksStatisticsFromTheBlocksFirstStep() throws {
        let dual = try decode(try randomModel(), .dual)
        let first = try dual.step(), second = try dual.step(), third = try dual.step()
        XCTAssertNotNil(first.maskedEntropyNats[8], "the block's first step runs the whole canvas")
        XCTAssertEqual(second.maskedEntropyNats[4...], first.maskedEntropyNats[4...], "later ones only the block")
        XCTAssertEqual(third.maskedGuesses[4...], first.maskedGuesses[4...])
        XCTAssertNotEqual(second.maskedEntropyNats[0..<4], first.maskedEntropyNats[0..<4])
    }

    func testSteppingBackAcrossABlockAndForwardAgainReplaysTheSameSteps() throws {
        for mode in [CacheMode.prefix, .dual] {
            let session = try decode(try randomModel(), mode)
            try session.runToEnd()
            let original = session.history
            for _ in 0..<6 { try session.back() }          // into the middle of the second block
            let refilled = try session.step()
            XCTAssertTrue(sameStep(refilled, original[6]), "\(mode): step 7 again")
            XCTAssertEqual(refilled.forwardPasses, 2, "\(mode): the cache is refilled from the block's start first")
            try session.runToEnd()
            for (again, first) in zip(session.history, original) {
                XCTAssertTrue(sameStep(again, first), "\(mode): step \(first.step) again")
            }
        }
    }

    func testBranchingToAnotherCacheModeKeepsTheHistory() throws {
        let session = try decode(try randomModel(), .exact)
        try session.step()
        try session.step()
        try session.branch(at: 2, settings: DecodeSettings(blockLength: 4, parallelism: .perStep(k: 1), cache: .dual))
        let next = try session.step()
        XCTAssertEqual(next.settings.cache, .dual)
        XCTAssertEqual(next.forwardPasses, 2, "the cache starts from the block's first canvas")
    }

    func testModelsWithoutCacheSupportAreRefused() throws {
        XCTAssertThrowsError(try decode(try randomModel(shiftsLogits: true), .dual)) { error in
            XCTAssertEqual(error as? DecodeSessionError, .noCache(.dual))
        }
        let scripted = ScriptedModel(columns: 40) { _, _, position in peakedRow(columns: 40, token: position % 30, p: 0.5) }
        XCTAssertThrowsError(try decode(scripted, .prefix)) { error in
            XCTAssertEqual(error as? DecodeSessionError, .noCache(.prefix))
        }
        XCTAssertNoThrow(try decode(scripted, .exact))
    }

    func testGuidanceAndCachesDoNotMix() {
        let settings = DecodeSettings(cfgScale: 1, cache: .prefix)
        XCTAssertThrowsError(try settings.validate(generationLength: 8)) { error in
            XCTAssertEqual(error as? DecodeSettingsError, .cacheWithGuidance(.prefix))
        }
    }

    func testTheTranscriptRecordsWhichCacheRan() throws {
        let session = try decode(try randomModel(), .dual)
        try session.runToEnd()
        let transcript = Transcript(session: session, model: ModelIdentity(id: "random", configHash: "fnv1a64:0000000000000000"),
                                    tool: "dscope test", promptText: nil, tokenText: nil)
        let text = try transcript.jsonLines()
        XCTAssertTrue(text.contains("\"cache\":\"dual\""))
        XCTAssertEqual(try Transcript(jsonLines: text).steps.first?.settings.cache, .dual)
        let exact = try decode(try randomModel(), .exact)
        try exact.step()
        let exactText = try Transcript(session: exact, model: ModelIdentity(id: "random", configHash: "fnv1a64:0000000000000000"),
                                       tool: "dscope test", promptText: nil, tokenText: nil).jsonLines()
        XCTAssertFalse(exactText.contains("\"cache\""), "exact mode keeps the version-1 shape")
    }
}
