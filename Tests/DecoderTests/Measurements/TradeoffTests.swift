import XCTest
@testable import Decoder

final class TradeoffTests: XCTestCase {
    private func sweep(_ rule: TradeoffRule, _ values: [Double], length: Int = 6) throws -> [TradeoffPoint] {
        let model = MeasurementFixtures.model()
        let run = try TradeoffRun(decoder: MeasurementFixtures.decoder(model, length: length),
                                  settings: DecodeSettings(order: .confidence), rule: rule, values: values)
        return try run.run(MeasurementFixtures.tasks(3))
    }

    func testKTokensPerStepDividesTheForwardPassesPerToken() throws {
        let points = try sweep(.k, [1, 2, 3])
        XCTAssertEqual(points.map(\.forwardPassesPerToken), [1, 0.5, 1.0 / 3])
        XCTAssertEqual(points.map(\.tasks), [3, 3, 3])
        XCTAssertEqual(points.map(\.positions), [18, 18, 18])
    }

    func testEntropyBoundZeroIsOneTokenPerStepAndLargerBoundsNeedFewerForwards() throws {
        let points = try sweep(.eb, [0, 4, 100])
        XCTAssertEqual(points[0].forwardPassesPerToken, 1)
        XCTAssertLessThan(points[1].forwardPassesPerToken, 1)
        XCTAssertEqual(points[2].forwardPasses, 3, "an unbounded γ commits the whole canvas in one step")
        XCTAssertEqual(points[2].tokensPerForward, 6)
    }

    func testSweptValuesAreValidatedBeforeAnyDecode() {
        XCTAssertThrowsError(try sweep(.k, [1, 2.5])) { XCTAssertEqual($0 as? TradeoffError, .fractionalK(2.5)) }
        XCTAssertThrowsError(try sweep(.threshold, [0.9, 1.5])) {
            XCTAssertEqual($0 as? DecodeSettingsError, .threshold(1.5))
        }
    }
}
