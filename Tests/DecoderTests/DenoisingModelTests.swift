import XCTest
import Kernels
import Models
@testable import Decoder

final class DenoisingModelTests: XCTestCase {
    func testLLaDAExposesMaskAndEndOfTextIdsFromItsConfig() throws {
        var config = LLaDAConfig(dModel: 16, nLayers: 1, nHeads: 2, nKVHeads: 2, mlpHiddenSize: 24,
                                 vocabSize: 40, maxSequenceLength: 32, ropeTheta: 10_000)
        config.maskTokenId = 39
        config.eosTokenId = 38
        let weights = try LLaDAWeights(config: config, source: SyntheticWeights(dtype: .f32))
        let model: DenoisingModel = LLaDAModel(config: config, weights: weights, threads: 1)
        XCTAssertEqual(model.vocabulary, VocabularyFacts(maskId: 39, eosId: 38, logitColumns: 40))
        let rows = try model.logits(canvas: [1, 39, 39, 2], positions: [1, 2])
        XCTAssertEqual(rows.rows, 2)
        XCTAssertEqual(rows.columns, 40)
    }

    func testShiftedModelsPredictEachPositionFromTheRowBefore() throws {
        let model = ScriptedModel(columns: 32) { _, _, row in peakedRow(columns: 32, token: row, p: 0.9) }
        model.shiftsLogits = true
        let decode = try session(model, length: 3, DecodeSettings(order: .ar, parallelism: .perStep(k: 1)))
        try decode.runToEnd()
        // The prompt takes canvas rows 0-1, so generated position 0 is row 2 and reads row 1.
        XCTAssertEqual(decode.canvas.generatedIds, [1, 2, 3])
        model.shiftsLogits = false
        let unshifted = try session(model, length: 3, DecodeSettings(order: .ar, parallelism: .perStep(k: 1)))
        try unshifted.runToEnd()
        XCTAssertEqual(unshifted.canvas.generatedIds, [2, 3, 4])
    }
}
