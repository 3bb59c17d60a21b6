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

extension SamplerTests {
    func testUniformStreamMatchesSequentialSplitMix64Draws() {
        let stream = NoiseStreams(seed: 9).stream(.gumbel, step: 2, position: 4)
        var sequential = SplitMix64(seed: stream.seed)
        for index in 0..<100 {
            XCTAssertEqual(stream.uniform(index), (Double(sequential.next() >> 12) + 0.5) * 0x1.0p-52)
        }
        XCTAssertLessThan(UniformStream.largest, 1)
    }

    func testSkippingColumnsThatCannotWinLeavesTheSampleUnchanged() {
        var generator = SplitMix64(seed: 4)
        let logits = (0..<300).map { _ in generator.nextSignedUnitFloat() * 6 }
        let statistics = SoftmaxStatistics(logits: logits, count: logits.count)
        let noise = NoiseStreams(seed: 21)
        logits.withUnsafeBufferPointer { row in
            for step in 1...50 {
                let stream = noise.stream(.gumbel, step: step, position: 0)
                let exhaustive = row.indices.filter { $0 != 7 }.max { a, b in
                    let ka = Double(row[a]) - 0.8 * log(-log(stream.uniform(a)))
                    let kb = Double(row[b]) - 0.8 * log(-log(stream.uniform(b)))
                    return ka < kb || (ka == kb && a > b)
                }
                XCTAssertEqual(Sampler(temperature: 0.8, maskId: 7).token(row: row, statistics: statistics) { stream },
                               exhaustive)
            }
        }
    }
}
