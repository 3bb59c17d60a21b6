import XCTest
@testable import Decoder

/// The parallelism ladder (`p`, `[`/`]` in the scope), the names every layer shows a rule by, and
/// the steps a rule still plans for a canvas.
final class ParallelismLadderTests: XCTestCase {
    func testRulesGoFromTheScheduleThroughFastDLLMAndEBSamplerBack() {
        var settings = DecodeSettings(parallelism: .perStep(k: 2))
        var rules: [ParallelismRule] = []
        for _ in 0..<4 {
            settings = settings.nextParallelismRule(generationLength: 64)
            rules.append(settings.parallelism)
        }
        XCTAssertEqual(rules, [.threshold(0.9), .factor(1), .entropyBound(0.5), .schedule(steps: 64)])
    }

    func testValuesMoveAlongEachRulesLadderAndStopAtItsEnds() {
        func adjusted(_ rule: ParallelismRule, more: Bool) -> ParallelismRule? {
            DecodeSettings(parallelism: rule).adjustingParallelism(more: more, generationLength: 88)?.parallelism
        }
        XCTAssertEqual(adjusted(.schedule(steps: 88), more: true), .schedule(steps: 44))
        XCTAssertNil(adjusted(.schedule(steps: 88), more: false), "one token per step is the least parallel")
        XCTAssertEqual(adjusted(.perStep(k: 1), more: true), .perStep(k: 2))
        XCTAssertNil(adjusted(.perStep(k: 1), more: false))
        XCTAssertEqual(adjusted(.threshold(0.9), more: true), .threshold(0.8), "a lower τ lets more tokens through")
        XCTAssertEqual(adjusted(.threshold(0.85), more: false), .threshold(0.9), "off-ladder values move to the next rung")
        XCTAssertEqual(adjusted(.factor(1), more: true), .factor(2))
        XCTAssertEqual(adjusted(.entropyBound(0.5), more: false), .entropyBound(0.25))
        XCTAssertNil(adjusted(.entropyBound(0), more: false))
    }

    func testNamesOnScreenAndOnTheCommandLine() {
        XCTAssertEqual(ParallelismRule.entropyBound(0.5).ruleName + " " + ParallelismRule.entropyBound(0.5).valueLabel, "entropy-bound γ=0.50")
        XCTAssertEqual(ParallelismRule.entropyBound(0.5).flag + " " + ParallelismRule.entropyBound(0.5).flagValue, "eb 0.5")
        XCTAssertTrue(ParallelismRule.schedule(steps: 64).isOneTokenPerStep(generationLength: 64))
        XCTAssertFalse(ParallelismRule.schedule(steps: 32).isOneTokenPerStep(generationLength: 64))
    }

    func testPlannedStepsFollowTheScheduleAndFixedKAndAreUnknownForThresholds() throws {
        let canvas = Canvas(promptIds: [1], generationLength: 8, maskId: 15)
        XCTAssertEqual(DecodeSettings(parallelism: .schedule(steps: 4)).stepsLeft(on: canvas), 4)
        XCTAssertEqual(DecodeSettings(blockLength: 4, parallelism: .perStep(k: 3)).stepsLeft(on: canvas), 4)
        XCTAssertNil(DecodeSettings(parallelism: .threshold(0.9)).stepsLeft(on: canvas))
    }
}
