import XCTest
import Models
@testable import Decoder

/// LLaDA2's decode rule (diffusers' LLaDA2Pipeline) on a scripted model: threshold with the
/// schedule as floor, LLaDA2.1's edits in the same step and in post steps, and when a block ends.
final class LLaDA2RuleTests: XCTestCase {
    private let mask = 9, eos = 8

    /// Prompt of one block (4 ids), one generated block of 4: the first step fills it with 3s
    /// (p 0.9); from then on `later(call, position)` says what the model prefers.
    private func decode(editThreshold: Double?, postSteps: Int = 16,
                        later: @escaping (Int, Int) -> (token: Int, p: Double)) throws -> BlockDecodeResult {
        let model = ScriptedBlockModel(columns: 10, blockLength: 4, maskId: mask, eosId: eos) { call, _, position in
            call == 0 ? (3, 0.9) : later(call, position)
        }
        let rule = LLaDA2DecodeRule(steps: 4, threshold: 0.7, editThreshold: editThreshold, postSteps: postSteps,
                                    eosId: eos, earlyStop: true)
        return try BlockDecode.run(model: model, prompt: [1, 2, 1, 2],
                                   settings: BlockDecodeSettings(blockLength: 4, generationLength: 4, rule: .llada2(rule)),
                                   maskId: mask)
    }

    func testAnEditReplacesATokenAndPostStepsGoOnUntilAStepEditsNothing() throws {
        let result = try decode(editThreshold: 0.5) { call, position in
            call == 1 && position == 5 ? (4, 0.8) : (position == 5 ? 4 : 3, 0.95)
        }
        XCTAssertEqual(result.steps.map(\.kind), [.prefill, .denoise, .post, .post, .store])
        XCTAssertEqual(result.steps[1].commits.map(\.position), [4, 5, 6, 7], "all four pass 0.7, more than the floor of 1")
        XCTAssertEqual(result.steps[2].edits, [BlockStep.Edit(position: 5, old: 3, new: 4, probability: 0.8)])
        XCTAssertTrue(result.steps[3].edits.isEmpty)
        XCTAssertEqual(result.ids, [3, 4, 3, 3], "the generated part only")
    }

    func testWithoutEditingOneForwardFollowsTheLastMask() throws {
        let result = try decode(editThreshold: nil) { _, _ in (4, 0.99) }
        XCTAssertEqual(result.steps.map(\.kind), [.prefill, .denoise, .post, .store])
        XCTAssertEqual(result.ids, [3, 3, 3, 3])
    }

    func testEditsNeedPAboveTheThresholdAndAnotherToken() throws {
        // p exactly at the threshold does not edit (strict p > τ).
        let result = try decode(editThreshold: 0.5) { _, _ in (4, 0.5) }
        XCTAssertEqual(result.steps.map(\.kind), [.prefill, .denoise, .post, .store])
        XCTAssertEqual(result.ids, [3, 3, 3, 3])
    }

    func testPostStepsStopAfterTheLimitEvenWhileTheyEdit() throws {
        // The model flips every position back and forth forever.
        let result = try decode(editThreshold: 0.5, postSteps: 2) { call, _ in (call % 2 == 1 ? 4 : 3, 0.9) }
        XCTAssertEqual(result.steps.map(\.kind), [.prefill, .denoise, .post, .post, .post, .store],
                       "post steps 1 and 2 edit, step 3 exceeds max_post_steps 2 after running")
        XCTAssertEqual(result.steps[4].edits.count, 4)
    }

    func testBelowTheThresholdTheScheduleCountCommitsTheMostConfident() throws {
        let model = ScriptedBlockModel(columns: 10, blockLength: 4, maskId: mask, eosId: eos) { _, _, position in
            (2, [0.3, 0.6, 0.5, 0.4][position % 4])
        }
        let rule = LLaDA2DecodeRule(steps: 2, threshold: 0.7, editThreshold: nil, eosId: eos)
        let result = try BlockDecode.run(model: model, prompt: [1, 2, 1, 2],
                                         settings: BlockDecodeSettings(blockLength: 4, generationLength: 4, rule: .llada2(rule)),
                                         maskId: mask)
        // Schedule 4 over 2 steps: 2 and 2; none pass 0.7, so the top two (positions 5, 6), then the rest.
        XCTAssertEqual(result.steps[1].commits.map(\.position), [5, 6])
        XCTAssertEqual(result.steps[2].commits.map(\.position), [4, 7])
    }

    func testAnEOSWithNoMaskBeforeItEndsTheDecode() throws {
        let model = ScriptedBlockModel(columns: 10, blockLength: 4, maskId: mask, eosId: eos) { _, _, position in
            (position == 4 ? 8 : 3, 0.9)
        }
        let rule = LLaDA2DecodeRule(steps: 4, threshold: 0.7, editThreshold: nil, eosId: eos)
        let result = try BlockDecode.run(model: model, prompt: [1, 2, 1, 2],
                                         settings: BlockDecodeSettings(blockLength: 4, generationLength: 8, rule: .llada2(rule)),
                                         maskId: mask)
        XCTAssertEqual(result.steps.map(\.kind), [.prefill, .denoise, .store], "finished: no post step, no second block")
        XCTAssertEqual(result.ids, [8, 3, 3, 3, mask, mask, mask, mask])
    }
}
