import XCTest
@testable import Decoder

final class ParallelismRuleTests: XCTestCase {
    /// Candidates ranked as given, with these confidences and entropies.
    private func ranked(confidences: [Float], entropies: [Float]? = nil) -> [Candidate] {
        confidences.enumerated().map { index, confidence in
            Candidate(position: index, token: 0, confidence: confidence,
                      entropyNats: entropies?[index] ?? 0, margin: 0, randomKey: 0, deferred: false)
        }
    }

    /// LLaDA generate.py, get_num_transfer_tokens: masks // steps each step, the remainder one
    /// each on the first steps.
    private func llada(masks: Int, steps: Int) -> [Int] {
        (0..<steps).map { masks / steps + ($0 < masks % steps ? 1 : 0) }
    }

    func testScheduleMatchesLLaDAsRemainderRuleForEveryBlockSize() {
        for masks in 1...20 {
            for steps in 1...masks {
                var left = masks, counts: [Int] = []
                for spent in 0..<steps {
                    let count = ParallelismRule.schedule(steps: steps)
                        .commitCount(ranked: ranked(confidences: Array(repeating: 0.5, count: left)),
                                     blockCount: 1, stepsSpentInBlock: spent)
                    counts.append(count)
                    left -= count
                }
                XCTAssertEqual(counts, llada(masks: masks, steps: steps), "\(masks) masks over \(steps) steps")
            }
        }
    }

    /// t = linspace(1, 0.001, 5) = 1, 0.75025, 0.5005, 0.25075, 0.001: ⌊10·0.24975⌋ = 2,
    /// ⌊8·0.33289⌋ = 2, ⌊6·0.49900⌋ = 2, then the last step takes the 4 left.
    func testTimestepsFollowDreamsScheduleAndEndWithTheRemainder() {
        var left = 10, counts: [Int] = []
        for spent in 0..<4 {
            let count = ParallelismRule.timesteps(steps: 4)
                .commitCount(ranked: ranked(confidences: Array(repeating: 0.5, count: left)), blockCount: 1, stepsSpentInBlock: spent)
            counts.append(count)
            left -= count
        }
        XCTAssertEqual(counts, [2, 2, 2, 4])
        // Dream's first step of 8 masks over 8 steps floors 8·0.1249 to nothing, and commits nothing.
        XCTAssertEqual(ParallelismRule.timesteps(steps: 8)
            .commitCount(ranked: ranked(confidences: Array(repeating: 0.5, count: 8)), blockCount: 1, stepsSpentInBlock: 0), 0)
    }

    /// steps = length: the first step commits nothing (⌊8·(1 − t₁/t₀)⌋ = 0) yet is a step; the
    /// decode takes exactly `steps` forwards, the last one taking what is left.
    func testTimestepsSpendEveryStepEvenThoseThatCommitNothing() throws {
        let model = ScriptedModel(columns: 16) { _, _, position in peakedRow(columns: 16, token: position, p: 0.5) }
        let decode = try session(model, length: 8, DecodeSettings(parallelism: .timesteps(steps: 8)))
        try decode.runToEnd()
        XCTAssertEqual(decode.history.count, 8)
        XCTAssertEqual(decode.history.first?.commits.count, 0)
        XCTAssertEqual(decode.history.map(\.commits.count).reduce(0, +), 8)
        XCTAssertFalse(decode.canvas.stepMap.contains(1), "nothing is committed at step 1")
        try decode.back()
        try decode.step()
        XCTAssertEqual(decode.history.count, 8, "a replayed last step still takes the remainder")
    }

    func testOriginFlipsEachMaskWithTheTimestepProbability() throws {
        let model = ScriptedModel(columns: 16) { _, _, position in peakedRow(columns: 16, token: position, p: 0.5) }
        let settings = DecodeSettings(order: .origin, parallelism: .timesteps(steps: 4), seed: 7)
        let decode = try session(model, length: 12, settings)
        try decode.runToEnd()
        XCTAssertEqual(decode.history.count, 4)
        let noise = NoiseStreams(seed: 7)
        let schedule = DreamTimesteps(steps: 4)
        var masked = Set(0..<12)
        for record in decode.history {
            let p = Double(schedule.transferProbability(step: record.step - 1))
            let flipped = masked.filter { noise.uniform(.order, step: record.step, position: $0) < p }
            XCTAssertEqual(Set(record.commits.map(\.position)), flipped, "step \(record.step)")
            masked.subtract(flipped)
        }
        XCTAssertTrue(masked.isEmpty)
        XCTAssertThrowsError(try session(model, length: 12, DecodeSettings(order: .origin, parallelism: .perStep(k: 1))))
    }

    /// torch.linspace(1, 1e-3, 9) as PyTorch 2.x computes it (float32 bit patterns).
    func testTimestepsAreTorchsLinspaceBitForBit() {
        let torch: [UInt32] = [0x3F80_0000, 0x3F60_0831, 0x3F40_1062, 0x3F20_1893, 0x3F00_20C5,
                               0x3EC0_51EC, 0x3E80_624E, 0x3E00_E560, 0x3A83_126F]
        XCTAssertEqual((0...8).map { DreamTimesteps(steps: 8).t($0).bitPattern }, torch)
    }

    func testScheduleSplitsStepsEvenlyOverBlocks() throws {
        let model = ScriptedModel(columns: 16) { _, _, position in peakedRow(columns: 16, token: position, p: 0.5) }
        let decode = try session(model, length: 10, DecodeSettings(blockLength: 5, parallelism: .schedule(steps: 4)))
        try decode.runToEnd()
        XCTAssertEqual(decode.history.map(\.commits.count), [3, 2, 3, 2])
        XCTAssertEqual(decode.history.map(\.block), [0, 0, 1, 1])
    }

    func testScheduleWithMoreStepsThanTokensCommitsOnePerStep() throws {
        let model = ScriptedModel(columns: 16) { _, _, position in peakedRow(columns: 16, token: position, p: 0.5) }
        let decode = try session(model, length: 4, DecodeSettings(parallelism: .schedule(steps: 16)))
        try decode.runToEnd()
        XCTAssertEqual(decode.history.count, 4)
    }

    func testPerStepKCommitsKAndTheBlockRemainderLast() throws {
        let model = ScriptedModel(columns: 16) { _, _, position in peakedRow(columns: 16, token: position, p: 0.5) }
        let decode = try session(model, length: 8, DecodeSettings(blockLength: 4, parallelism: .perStep(k: 3)))
        try decode.runToEnd()
        XCTAssertEqual(decode.history.map(\.commits.count), [3, 1, 3, 1])
    }

    func testThresholdCommitsEveryConfidenceAtOrAboveTau() {
        let rule = ParallelismRule.threshold(0.9)
        let count = rule.commitCount(ranked: ranked(confidences: [0.99, 0.95, 0.9, 0.89, 0.5]),
                                     blockCount: 1, stepsSpentInBlock: 0)
        XCTAssertEqual(count, 3)
    }

    func testThresholdCommitsTheBestCandidateWhenNoneReachesTau() {
        let count = ParallelismRule.threshold(0.9).commitCount(ranked: ranked(confidences: [0.6, 0.5]),
                                                               blockCount: 1, stepsSpentInBlock: 0)
        XCTAssertEqual(count, 1)
    }

    func testThresholdSessionCommitsExactlyThePositionsWithConfidenceAtLeastTau() throws {
        let confidences = [0.95, 0.3, 0.92, 0.5, 0.97]
        let model = ScriptedModel(columns: 16) { _, _, position in
            peakedRow(columns: 16, token: 1, p: confidences[position - 2])
        }
        let decode = try session(model, length: 5, DecodeSettings(parallelism: .threshold(0.9)))
        XCTAssertEqual(Set(try decode.step().commits.map(\.position)), [0, 2, 4])
        XCTAssertEqual(try decode.step().commits.map(\.position), [3])
    }

    func testFactorAcceptsTheNthWhileConfidenceIsAtLeastOneMinusFOverNPlusOne() {
        // f = 1: thresholds 1/2, 2/3, 3/4, 4/5 for n = 1…4.
        let rule = ParallelismRule.factor(1)
        func count(_ confidences: [Float]) -> Int {
            rule.commitCount(ranked: ranked(confidences: confidences), blockCount: 1, stepsSpentInBlock: 0)
        }
        XCTAssertEqual(count([0.9, 0.8, 0.76, 0.7]), 3)
        XCTAssertEqual(count([0.9, 0.6]), 1)
        XCTAssertEqual(count([0.1, 0.05]), 1, "the first always")
        XCTAssertEqual(count([0.99, 0.9, 0.8, 0.8]), 4)
    }

    func testEntropyBoundTakesTheLargestPrefixWithinGamma() {
        let rule = ParallelismRule.entropyBound(0.5)
        func count(_ entropies: [Float]) -> Int {
            rule.commitCount(ranked: ranked(confidences: entropies.map { _ in 0.5 }, entropies: entropies),
                             blockCount: 1, stepsSpentInBlock: 0)
        }
        // Sums minus max of the prefixes: 0, 0.1, 0.3, 0.6.
        XCTAssertEqual(count([0.1, 0.2, 0.3, 0.4]), 3)
        XCTAssertEqual(count([2, 3]), 1, "at least one")
        // The max need not come last: 0.4 + 0.1 + 0.1 − 0.4 = 0.2, then 1.05 − 0.45 = 0.6.
        XCTAssertEqual(count([0.4, 0.1, 0.1, 0.45]), 3)
    }

    func testEntropyBoundZeroCommitsOneTokenPerStepUnlessEntropiesAreZero() {
        let rule = ParallelismRule.entropyBound(0)
        XCTAssertEqual(rule.commitCount(ranked: ranked(confidences: [0.5, 0.5], entropies: [0.1, 0.2]),
                                        blockCount: 1, stepsSpentInBlock: 0), 1)
    }
}
