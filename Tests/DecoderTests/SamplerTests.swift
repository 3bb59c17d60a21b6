import XCTest
import Kernels
@testable import Decoder

final class SamplerTests: XCTestCase {
    func testTemperatureZeroTiesPickTheLowestId() throws {
        let model = ScriptedModel(columns: 12) { _, _, _ in [0, 1, 5, 2, 5, 5, 0, 0, 0, 0, 0, 0] }
        let decode = try session(model, length: 3, DecodeSettings())
        try decode.runToEnd()
        XCTAssertEqual(decode.canvas.generatedIds, [2, 2, 2])
    }

    func testTheMaskIdIsNeverCommittedEvenWithTheTopLogit() throws {
        // Column 11 is the scripted model's mask id.
        let model = ScriptedModel(columns: 12) { _, _, _ in [0, 1, 3, 2, 0, 0, 0, 0, 0, 0, 0, 9] }
        let decode = try session(model, length: 2, DecodeSettings())
        try decode.runToEnd()
        XCTAssertEqual(decode.canvas.generatedIds, [2, 2])
        let sampled = try session(model, length: 2, DecodeSettings(temperature: 5, seed: 3))
        try sampled.runToEnd()
        XCTAssertFalse(sampled.canvas.generatedIds.contains(11))
    }

    func testGumbelMaxSamplesSoftmaxOfLogitsOverTemperature() {
        let logits: [Float] = [0, log(3), -20]
        let statistics = SoftmaxStatistics(logits: logits, count: 3)
        let sampler = Sampler(temperature: 1, maskId: 99)
        let noise = NoiseStreams(seed: 11)
        var counts = [0, 0, 0]
        logits.withUnsafeBufferPointer { row in
            for draw in 0..<4000 {
                counts[sampler.token(row: row, statistics: statistics) { noise.stream(.gumbel, step: draw, position: 0) }] += 1
            }
        }
        // softmax = (1/4, 3/4, ~0); the binomial standard deviation of 1000 is about 27.
        XCTAssertEqual(Double(counts[0]), 1000, accuracy: 120)
        XCTAssertEqual(counts[2], 0)
    }

    func testNoiseDependsOnlyOnSeedStepPositionAndPurpose() {
        let noise = NoiseStreams(seed: 42)
        let first = noise.uniform(.gumbel, step: 3, position: 5)
        XCTAssertEqual(first, NoiseStreams(seed: 42).uniform(.gumbel, step: 3, position: 5))
        XCTAssertNotEqual(first, noise.uniform(.gumbel, step: 4, position: 5))
        XCTAssertNotEqual(first, noise.uniform(.gumbel, step: 3, position: 6))
        XCTAssertNotEqual(first, noise.uniform(.order, step: 3, position: 5))
        XCTAssertNotEqual(first, NoiseStreams(seed: 43).uniform(.gumbel, step: 3, position: 5))
        XCTAssertTrue(first > 0 && first < 1)
    }

    func testConfidenceOfASampledTokenIsItsSoftmaxProbability() {
        let logits: [Float] = [1, 2, 0.5]
        let statistics = SoftmaxStatistics(logits: logits, count: 3)
        let z = exp(1.0) + exp(2.0) + exp(0.5)
        logits.withUnsafeBufferPointer { row in
            XCTAssertEqual(Double(Sampler.probability(of: 0, row: row, statistics: statistics)), exp(1) / z, accuracy: 1e-6)
            XCTAssertEqual(Sampler.probability(of: 1, row: row, statistics: statistics), statistics.topProbability)
        }
    }
}
