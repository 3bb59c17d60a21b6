import XCTest
import Models
@testable import Decoder
import TestFixtures

/// Every decode of tools/fixtures-block/*/expected.json (the official loops reimplemented in
/// tools/: SDAR generate.py, Fast-dLLM v2 generate, diffusers' LLaDA2Pipeline, at temperature 0)
/// replayed step for step: the same forwards, commits, edits and returned ids.
final class BlockDecodeParityTests: XCTestCase {
    func testSDARDecodesMatchTheOfficialLoop() throws {
        try replayAll("sdar-tiny") { settings, expected in
            let strategy = try XCTUnwrap(SDARStrategy(rawValue: settings["remasking_strategy"] as! String))
            return BlockDecodeSettings(
                blockLength: settings["block_length"] as! Int, generationLength: settings["gen_length"] as! Int,
                rule: .sdar(SDARDecodeRule(strategy: strategy, stepsPerBlock: settings["denoising_steps"] as! Int,
                                           threshold: settings["confidence_threshold"] as? Double ?? 0.85,
                                           entropyBound: settings["eb_threshold"] as? Double ?? 0.35,
                                           stopIds: settings["stopping_criteria_idx"] as? [Int] ?? [])))
        }
    }

    func testFastDLLMv2DecodesMatchTheOfficialLoop() throws {
        try replayAll("fastdllm-v2-tiny") { settings, _ in
            BlockDecodeSettings(
                blockLength: settings["block_size"] as! Int, generationLength: settings["max_new_tokens"] as! Int,
                rule: .fastDLLMv2(FastDLLMv2DecodeRule(subBlockLength: settings["small_block_size"] as! Int,
                                                       threshold: settings["threshold"] as! Double,
                                                       stopToken: settings["stop_token"] as! Int)))
        }
    }

    func testLLaDA2DecodesMatchTheOfficialPipeline() throws {
        guard (try? ArchitectureRegistry.configuration(folder: BlockFixture.loadableFolder("llada2-tiny"))) != nil else {
            throw XCTSkip("no LLaDA2 architecture is registered yet (the llada2 branch adds the BailingMoeV2 model); the LLaDA2 traces replay once it is merged")
        }
        try replayAll("llada2-tiny") { settings, expected in
            let edit = settings["editing_threshold"] as? Double
            return BlockDecodeSettings(
                blockLength: settings["block_length"] as! Int, generationLength: settings["gen_length"] as! Int,
                rule: .llada2(LLaDA2DecodeRule(steps: settings["num_inference_steps"] as! Int,
                                               threshold: settings["threshold"] as! Double, editThreshold: edit,
                                               postSteps: settings["max_post_steps"] as? Int ?? 16,
                                               eosId: settings["eos_token_id"] as? Int ?? expected["eos_token_id"] as? Int,
                                               earlyStop: settings["eos_early_stop"] as? Bool ?? true)))
        }
    }

    /// The pipeline's trace recomputes the window without a cache: its forwards are ours less the
    /// prefill and stores, and start at 0.
    private func replayAll(_ name: String, settings make: ([String: Any], [String: Any]) throws -> BlockDecodeSettings,
                           file: StaticString = #filePath, line: UInt = #line) throws {
        let expected = try BlockFixture.expected(name)
        let model = try BlockFixture.model(name)
        let maskId = expected["mask_token_id"] as! Int
        let decodes = expected["decodes"] as! [[String: Any]]
        XCTAssertGreaterThanOrEqual(decodes.count, 5)
        for decode in decodes {
            let label = decode["name"] as! String
            let settings = try make(decode["settings"] as! [String: Any], expected)
            let result = try BlockDecode.run(model: model, prompt: decode["prompt"] as! [Int], settings: settings, maskId: maskId)
            XCTAssertEqual(result.ids, decode["ids"] as! [Int], label, file: file, line: line)
            let uncached = name.hasPrefix("llada2")
            let ours = uncached ? result.steps.filter { $0.kind != .store && $0.kind != .prefill } : result.steps
            let theirs = decode["steps"] as! [[String: Any]]
            XCTAssertEqual(ours.count, decode["forwards"] as! Int, "\(label): forwards", file: file, line: line)
            for (index, (step, record)) in zip(ours, theirs).enumerated() {
                let at = "\(label) step \(index)"
                XCTAssertEqual(step.kind.rawValue, record["kind"] as! String, at, file: file, line: line)
                XCTAssertEqual(step.block, record["block"] as! Int, at, file: file, line: line)
                XCTAssertEqual(step.step, record["step"] as! Int, at, file: file, line: line)
                let forward = record["forward"] as! [Int]
                if !uncached {
                    XCTAssertEqual(step.forward, forward[0]..<(forward[0] + forward[1]), at, file: file, line: line)
                }
                let commits = record["commits"] as! [[NSNumber]]
                XCTAssertEqual(step.commits.map { [$0.position, $0.token] }, commits.map { [$0[0].intValue, $0[1].intValue] },
                               at, file: file, line: line)
                for (commit, theirs) in zip(step.commits, commits) {
                    XCTAssertEqual(commit.probability, theirs[2].floatValue, accuracy: 1e-4, at, file: file, line: line)
                }
                let edits = record["edits"] as! [[NSNumber]]
                XCTAssertEqual(step.edits.map { [$0.position, $0.old, $0.new] }, edits.map { $0.prefix(3).map(\.intValue) },
                               at, file: file, line: line)
                let appended = (record["appended"] as? [NSNumber]).map { [$0[0].intValue, $0[1].intValue] }
                XCTAssertEqual(step.appended.map { [$0.position, $0.token] }, appended, at, file: file, line: line)
            }
        }
    }
}
