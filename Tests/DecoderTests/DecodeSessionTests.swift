import XCTest
@testable import Decoder

final class DecodeSessionTests: XCTestCase {
    /// Confidences that change with the canvas, so that history matters.
    private func contextModel(columns: Int = 32) -> ScriptedModel {
        ScriptedModel(columns: columns) { _, canvas, position in
            let decided = canvas.filter { $0 < columns - 1 }.count
            let token = (position * 7 + decided) % (columns - 2)
            return peakedRow(columns: columns, token: token, p: 0.1 + 0.8 * Double((position * 5 + decided) % 9) / 9)
        }
    }

    func testBackRestoresCanvasAndHistoryBitExactly() throws {
        let decode = try session(contextModel(), length: 8, DecodeSettings(parallelism: .perStep(k: 2)))
        try decode.step()
        let canvas = decode.canvas, history = decode.history
        let next = try decode.step()
        XCTAssertEqual(try decode.back(), next)
        XCTAssertEqual(decode.canvas, canvas)
        XCTAssertEqual(decode.history, history)
        var redone = try decode.step()
        redone.forwardMillis = next.forwardMillis
        redone.stepMillis = next.stepMillis
        XCTAssertEqual(redone, next, "the same step again after back()")
    }

    func testRedoReplaysTheStepsUndoneByBackUntilABranch() throws {
        let decode = try session(contextModel(), length: 8, DecodeSettings(parallelism: .perStep(k: 2)))
        try decode.runToEnd()
        let decoded = decode.history, finished = decode.canvas
        try decode.reset()
        XCTAssertEqual(decode.future.count, decoded.count)
        while try decode.redo() != nil {}
        XCTAssertEqual(decode.history, decoded, "the very records, timings included: no forward ran")
        XCTAssertEqual(decode.canvas, finished)

        try decode.back()
        try decode.branch(at: 1, settings: DecodeSettings(order: .margin, parallelism: .perStep(k: 2)))
        XCTAssertTrue(decode.future.isEmpty, "a branch discards the kept future")
        XCTAssertNil(try decode.redo())
    }

    func testBackAtTheStartReturnsNil() throws {
        let decode = try session(contextModel(), length: 4, DecodeSettings())
        XCTAssertNil(try decode.back())
    }

    func testResetReturnsToTheFullyMaskedCanvas() throws {
        let decode = try session(contextModel(), length: 4, DecodeSettings())
        let start = decode.canvas
        try decode.runToEnd()
        try decode.reset()
        XCTAssertEqual(decode.canvas, start)
        XCTAssertTrue(decode.history.isEmpty)
    }

    func testBranchKeepsTheHistoryUpToTheStepAndContinuesWithNewSettings() throws {
        let decode = try session(contextModel(), length: 8, DecodeSettings())
        try decode.runToEnd()
        let original = decode.history
        let threshold = DecodeSettings(order: .entropy, parallelism: .perStep(k: 3))
        try decode.branch(at: 3, settings: threshold)
        XCTAssertEqual(decode.history, Array(original.prefix(3)))
        XCTAssertEqual(decode.canvas.maskedCount, 5)
        let next = try decode.step()
        XCTAssertEqual(next.step, 4)
        XCTAssertEqual(next.settings, threshold)
        XCTAssertEqual(next.commits.count, 3)
        XCTAssertThrowsError(try decode.branch(at: 9, settings: threshold)) { error in
            XCTAssertEqual(error as? DecodeSessionError, .noSuchStep(9, available: 4))
        }
    }

    func testSeededSampledRunsReproduce() throws {
        func run(seed: UInt64) throws -> [Int] {
            let settings = DecodeSettings(order: .random, parallelism: .perStep(k: 2), temperature: 1.5, seed: seed)
            let decode = try session(contextModel(), length: 10, settings)
            try decode.runToEnd()
            return decode.canvas.generatedIds + decode.canvas.stepMap.map { $0 ?? 0 }
        }
        XCTAssertEqual(try run(seed: 5), try run(seed: 5))
        XCTAssertNotEqual(try run(seed: 5), try run(seed: 6))
    }

    func testStepAfterCompletionThrowsComplete() throws {
        let decode = try session(contextModel(), length: 2, DecodeSettings(parallelism: .perStep(k: 2)))
        try decode.step()
        XCTAssertTrue(decode.isComplete)
        XCTAssertThrowsError(try decode.step()) { XCTAssertEqual($0 as? DecodeSessionError, .complete) }
    }

    func testStatisticsAndHeatmapComeFromTheCommittingForward() throws {
        let model = ScriptedModel(columns: 64) { call, _, position in
            peakedRow(columns: 64, token: 1, p: call == 0 ? 0.2 + 0.1 * Double(position) : 0.5)
        }
        let decode = try session(model, length: 3, DecodeSettings())
        let record = try decode.step()
        XCTAssertEqual(record.commits.map(\.position), [2])
        XCTAssertEqual(Double(record.commits[0].confidence), 0.6, accuracy: 1e-6)
        let entropy = { (p: Double) -> Double in -p * log(p) - (1 - p) * log((1 - p) / 63) }
        XCTAssertEqual(Double(record.commits[0].entropyNats), entropy(0.6), accuracy: 1e-5)
        XCTAssertEqual(Double(record.maskedEntropyNats[0]!), entropy(0.4), accuracy: 1e-5)
        XCTAssertEqual(Double(record.maskedEntropyNats[1]!), entropy(0.5), accuracy: 1e-5)
        XCTAssertNil(record.maskedEntropyNats[2])
        XCTAssertEqual(Double(record.commits[0].margin), 0.6 - 0.4 / 63, accuracy: 1e-6)
    }

    func testEachStepRecordsTheModelsGuessUnderEveryMaskItLeaves() throws {
        // Position p's row peaks at token 10 + p; block 0 is positions 0–1, block 1 positions 2–3.
        let model = ScriptedModel(columns: 32) { _, _, position in
            peakedRow(columns: 32, token: 10 + position - scriptedPrompt.count, p: 0.5)
        }
        let decode = try session(model, length: 4, DecodeSettings(order: .ar, blockLength: 2))
        let record = try decode.step()
        XCTAssertEqual(record.commits.map(\.position), [0])
        XCTAssertEqual(record.maskedGuesses, [nil, 11, 12, 13])
    }

    func testClassifierFreeGuidanceMixesConditionalAndPromptMaskedLogits() throws {
        // Conditional rows favour token 1, unconditional (prompt masked) rows token 2:
        // u + (s + 1)(c − u) with s = 1 doubles the difference in favour of token 1.
        let model = ScriptedModel(columns: 8) { _, canvas, _ in
            canvas[0] == 7 ? [0, 0, 1, 0, 0, 0, 0, 0] : [0, 1, 0, 0, 0, 0, 0, 0]
        }
        let decode = try session(model, length: 1, DecodeSettings(cfgScale: 1))
        let record = try decode.step()
        XCTAssertEqual(record.forwardPasses, 2)
        XCTAssertEqual(model.canvases.last, [7, 7, 7], "the unconditional pass masks the prompt")
        XCTAssertEqual(record.commits[0].token, 1)
        let z = exp(2.0) + exp(-1.0) + 6
        XCTAssertEqual(Double(record.commits[0].confidence), exp(2) / z, accuracy: 1e-6)
    }

    func testBackgroundStepMatchesTheSynchronousStep() async throws {
        let background = try session(contextModel(), length: 6, DecodeSettings(parallelism: .perStep(k: 2)))
        let foreground = try session(contextModel(), length: 6, DecodeSettings(parallelism: .perStep(k: 2)))
        let a = try await background.stepInBackground()
        let b = try foreground.step()
        XCTAssertEqual(a.commits, b.commits)
        XCTAssertEqual(background.canvas, foreground.canvas)
    }

    func testCancellingABackgroundStepLeavesTheSessionUnchanged() async throws {
        let model = contextModel()
        let gate = DispatchSemaphore(value: 0)
        model.gate = gate
        let decode = try session(model, length: 4, DecodeSettings())
        let start = decode.canvas
        let task = Task { try await decode.stepInBackground() }
        try await Task.sleep(nanoseconds: 20_000_000)
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("a cancelled step must not land")
        } catch is CancellationError {}
        XCTAssertEqual(decode.canvas, start)
        XCTAssertTrue(decode.history.isEmpty)
        gate.signal()
        model.gate = nil
        let record = try await decode.stepInBackground()
        XCTAssertEqual(record.step, 1)
    }

    func testInvalidSettingsAreRejectedWithWhatToDo() {
        let model = contextModel()
        XCTAssertThrowsError(try session(model, length: 8, DecodeSettings(blockLength: 3))) {
            XCTAssertEqual($0 as? DecodeSettingsError, .blockLength(3, generationLength: 8))
        }
        XCTAssertThrowsError(try session(model, length: 8, DecodeSettings(blockLength: 2, parallelism: .schedule(steps: 6)))) {
            XCTAssertTrue("\($0)".contains("multiple of the 4 blocks"))
        }
        XCTAssertThrowsError(try DecodeSession(model: model, promptIds: [31], generationLength: 2, settings: DecodeSettings())) {
            XCTAssertEqual($0 as? DecodeSessionError, .maskInPrompt(31))
        }
    }
}
