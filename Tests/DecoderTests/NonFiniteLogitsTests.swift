import XCTest
@testable import Decoder

/// A forward whose logits hold NaN or ±∞ (bad weights, rope_theta or rms_norm_eps) stops the
/// decode with an error naming the position; nothing is committed from it.
final class NonFiniteLogitsTests: XCTestCase {
    private func poisonedModel(at poisoned: Int, value: Float, fromCall: Int = 0) -> ScriptedModel {
        ScriptedModel(columns: 40) { call, _, position in
            var row = peakedRow(columns: 40, token: 5, p: 0.9)
            if call >= fromCall && position == scriptedPrompt.count + poisoned { row[17] = value }
            return row
        }
    }

    func testNaNLogitsStopTheStepAndLeaveTheSessionAsItWas() throws {
        for value in [Float.nan, .infinity, -.infinity] {
            let decode = try session(poisonedModel(at: 2, value: value), length: 4, DecodeSettings())
            XCTAssertThrowsError(try decode.step()) { error in
                XCTAssertEqual(error as? DecodeStepError,
                               .nonFiniteLogits(model: "the model", step: 1, position: 2, canvasIndex: 4), "\(value)")
                XCTAssertTrue("\(error)".contains("rope_theta"))
            }
            XCTAssertTrue(decode.history.isEmpty)
            XCTAssertEqual(decode.canvas.maskedCount, 4)
        }
    }

    func testAStepInBackgroundReportsTheSameErrorAndKeepsEarlierSteps() async throws {
        let decode = try session(poisonedModel(at: 3, value: .nan, fromCall: 1), length: 4, DecodeSettings())
        try await decode.stepInBackground()
        do {
            try await decode.stepInBackground()
            XCTFail("a NaN row must not commit")
        } catch let error as DecodeStepError {
            XCTAssertEqual(error, .nonFiniteLogits(model: "the model", step: 2, position: 3, canvasIndex: 5))
        }
        XCTAssertEqual(decode.history.count, 1)
        XCTAssertEqual(decode.canvas.maskedCount, 3)
    }
}
