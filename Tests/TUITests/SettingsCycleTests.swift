import Decoder
import XCTest
@testable import TUI

final class SettingsCycleTests: XCTestCase {
    func testOrderKeyCyclesThroughEveryOrderAndBack() {
        var settings = DecodeSettings()
        var seen: [DecodeOrder] = []
        for _ in 0..<5 {
            settings = settings.nextOrder()
            seen.append(settings.order)
        }
        XCTAssertEqual(seen, [.margin, .entropy, .random, .ar, .confidence])
    }

    func testBlockKeyCyclesThroughTheDivisorsOfTheLengthAndBackToOneBlock() {
        var settings = DecodeSettings(parallelism: .schedule(steps: 88))
        var lengths: [Int?] = []
        for _ in 0..<6 {
            settings = settings.nextBlockLength(generationLength: 88)
            XCTAssertNoThrow(try settings.validate(generationLength: 88))
            lengths.append(settings.blockLength)
        }
        XCTAssertEqual(lengths, [4, 8, 11, 22, 44, nil])
    }

    func testAScheduleKeepsAMultipleOfTheBlockCount() {
        let settings = DecodeSettings(parallelism: .schedule(steps: 9)).nextBlockLength(generationLength: 8)
        XCTAssertEqual(settings.blockLength, 4)
        XCTAssertEqual(settings.parallelism, .schedule(steps: 10))
    }

    func testLabelsUseTheCommandLineNamesAndThePapersSymbols() {
        XCTAssertEqual(DecodeSettings(parallelism: .threshold(0.9)).label(generationLength: 64),
                       "order confidence · block all · threshold τ=0.90")
        XCTAssertEqual(DecodeSettings(order: .ar, blockLength: 8, parallelism: .perStep(k: 2)).label(generationLength: 64),
                       "order ar · block 8 · fixed k=2")
        let before = DecodeSettings(parallelism: .schedule(steps: 64))
        let after = DecodeSettings(order: .ar, blockLength: 8, parallelism: .entropyBound(0.5))
        XCTAssertEqual(after.changes(from: before, generationLength: 64),
                       "order confidence→ar, block all→8, schedule steps=64→entropy-bound γ=0.50")
    }

    func testSpeedLadderEndsAtMaxSpeed() {
        var speed = PlaybackSpeed()
        XCTAssertEqual(speed.label, "8 steps/s")
        while speed.faster() {}
        XCTAssertEqual(speed.label, "max speed")
        XCTAssertEqual(speed.pause, .zero)
        while speed.slower() {}
        XCTAssertEqual(speed.label, "0.5 steps/s")
    }
}
