import Models
@testable import Decoder
import TestFixtures

/// One decode of a block-diffusion fixture (tools/fixtures-block), stepped as the scope steps it.
struct BlockFixtureDecode {
    var fixture: String
    var prompt: [Int]
    var settings: BlockDecodeSettings

    /// One decode per family: SDAR's dynamic low-confidence rule, Fast-dLLM v2's sub-blocks with
    /// a stop token, LLaDA2's edits; SDAR's prompt is the caller's.
    static func ofEachFamily(sdarPrompt: [Int]) -> [BlockFixtureDecode] {
        [
            BlockFixtureDecode(fixture: "sdar-tiny", prompt: sdarPrompt, settings: BlockDecodeSettings(
                blockLength: 4, generationLength: 12, rule: .sdar(SDARDecodeRule(strategy: .lowConfidenceDynamic, stepsPerBlock: 4)))),
            BlockFixtureDecode(fixture: "fastdllm-v2-tiny", prompt: [79, 218, 41, 187, 129, 199, 118], settings: BlockDecodeSettings(
                blockLength: 8, generationLength: 24, rule: .fastDLLMv2(FastDLLMv2DecodeRule(subBlockLength: 4, threshold: 0.9, stopToken: 281)))),
            BlockFixtureDecode(fixture: "llada2-tiny", prompt: [24, 151, 24, 207, 222], settings: BlockDecodeSettings(
                blockLength: 8, generationLength: 24,
                rule: .llada2(LLaDA2DecodeRule(steps: 4, threshold: 0.95, editThreshold: 0.3, postSteps: 3, eosId: nil)))),
        ]
    }

    /// A fresh session on the fixture's model, with expected.json's mask id.
    func session() throws -> BlockDecodeSession {
        let model = try BlockFixture.model(fixture)
        var vocabulary = model.vocabulary
        vocabulary.maskId = try BlockFixture.expected(fixture)["mask_token_id"] as! Int
        return try BlockDecodeSession(model: model, promptIds: prompt, settings: settings, vocabulary: vocabulary)
    }
}
