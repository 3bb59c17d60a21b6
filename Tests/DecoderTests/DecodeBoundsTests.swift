import XCTest
import Models
@testable import Decoder

/// Sizes from flags and files are checked against DecodeLimits and the model's context before a
/// canvas is allocated or a schedule divides by them.
final class DecodeBoundsTests: XCTestCase {
    private func model(contextLength: Int? = nil) -> ScriptedModel {
        let model = ScriptedModel(columns: 16) { _, _, position in peakedRow(columns: 16, token: position % 10, p: 0.8) }
        model.contextLength = contextLength
        return model
    }

    func testGenerationLengthOutsideTheLimitIsRefusedBeforeAllocation() {
        for length in [1 << 61, Int.max, DecodeLimits.maxGenerationLength + 1, 0, -3] {
            XCTAssertThrowsError(try session(model(), length: length, DecodeSettings())) { error in
                XCTAssertEqual(error as? DecodeSettingsError, .generationLength(length))
                XCTAssertTrue("\(error)".contains("1…65536"), "\(error)")
            }
        }
    }

    func testScheduleStepsAreBounded() {
        for steps in [Int.max - 7, DecodeLimits.maxSteps + 1] {
            for rule in [ParallelismRule.schedule(steps: steps), .timesteps(steps: steps)] {
                XCTAssertThrowsError(try session(model(), length: 8, DecodeSettings(parallelism: rule))) { error in
                    XCTAssertEqual(error as? DecodeSettingsError, .steps(steps, blockCount: 1))
                }
            }
        }
        XCTAssertNoThrow(try session(model(), length: 8, DecodeSettings(parallelism: .schedule(steps: DecodeLimits.maxSteps))).runToEnd())
    }

    func testFactorMustBeFinite() {
        XCTAssertThrowsError(try session(model(), length: 8, DecodeSettings(parallelism: .factor(.infinity))))
    }

    func testACanvasBeyondTheModelsContextIsRefusedUnlessAllowed() throws {
        // The scripted prompt has 2 ids: 2 + 9 > 10.
        XCTAssertThrowsError(try session(model(contextLength: 10), length: 9, DecodeSettings())) { error in
            XCTAssertEqual(error as? DecodeSessionError, .beyondContext(model: "the model", prompt: 2, generation: 9, context: 10))
            XCTAssertTrue("\(error)".contains("--allow-beyond-context"))
        }
        XCTAssertNoThrow(try session(model(contextLength: 10), length: 8, DecodeSettings()))
        let beyond = try DecodeSession(model: model(contextLength: 10), promptIds: scriptedPrompt, generationLength: 9,
                                       settings: DecodeSettings(), allowBeyondContext: true)
        XCTAssertNoThrow(try beyond.runToEnd())
        XCTAssertNil(DecodeSession.exceededContext(model: model(), promptLength: 2, generationLength: 1 << 16))
    }

    func testASweptKBeyondIntIsRefusedNotTrapped() {
        for value in [1e300, 9.3e18, Double(DecodeLimits.maxGenerationLength + 1)] {
            XCTAssertThrowsError(try TradeoffRule.k.parallelism(value)) { XCTAssertEqual($0 as? TradeoffError, .fractionalK(value)) }
        }
        XCTAssertEqual(try TradeoffRule.k.parallelism(4), .perStep(k: 4))
    }

    func testHistogramPlacesExtremeValuesInTheEndBinsAndSkipsNaN() {
        let histogram = Histogram(values: [-1e30, -.infinity, 1e300, .infinity, .nan, 0.5], lower: 0, upper: 1, binCount: 2)
        XCTAssertEqual(histogram.counts, [2, 3])
    }
}
