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
        let rows = model.logits(canvas: [1, 39, 39, 2], positions: [1, 2])
        XCTAssertEqual(rows.rows, 2)
        XCTAssertEqual(rows.columns, 40)
    }
}
