import XCTest
import Models
@testable import Decoder

final class TranscriptTests: XCTestCase {
    private struct LetterPieces: TokenText {
        let tokenizerId = "letters"
        func piece(_ id: Int) -> String { String(UnicodeScalar(UInt8(97 + id % 26))) }
        func text(_ ids: [Int]) -> String { ids.filter { $0 < 30 }.map(piece).joined() }
    }

    private func decodedTranscript(tokenText: TokenText? = LetterPieces(), task: EvalTask? = nil) throws -> Transcript {
        let model = ScriptedModel(columns: 32) { _, canvas, position in
            let decided = canvas.filter { $0 < 31 }.count
            return peakedRow(columns: 32, token: (position * 3 + decided) % 30, p: 0.2 + 0.07 * Double((position + decided) % 10))
        }
        let decode = try session(model, length: 8, DecodeSettings(blockLength: 4, parallelism: .perStep(k: 2), cfgScale: 0.5))
        try decode.step()
        try decode.step()
        try decode.branch(at: 2, settings: DecodeSettings(order: .entropy, blockLength: 4, parallelism: .threshold(0.5), seed: 9))
        try decode.runToEnd()
        return Transcript(session: decode, model: ModelIdentity(id: "scripted", configHash: "fnv1a64:0123456789abcdef"),
                          tool: "dscope test", promptText: "d e", tokenText: tokenText, task: task)
    }

    func testVersion2RecordsTheTaskAndTheTopCandidatesOfEveryPositionMaskedAtTheForward() throws {
        let transcript = try decodedTranscript(task: EvalTask(id: "t17", prompt: "d e", answer: "36"))
        let text = try transcript.jsonLines()
        XCTAssertTrue(text.hasPrefix("{\"format\":\"dscope-transcript\""), text)
        XCTAssertTrue(text.split(separator: "\n")[0].contains("\"task\":{\"expected_answer\":\"36\",\"id\":\"t17\"}"))
        XCTAssertTrue(text.split(separator: "\n")[0].contains("\"version\":3"))
        let read = try Transcript(jsonLines: text)
        XCTAssertEqual(read, transcript)
        XCTAssertEqual(read.header.taskId, "t17")
        XCTAssertEqual(read.header.expectedAnswer, "36")

        var canvas = try transcript.canvas(afterStep: 0)
        for record in transcript.steps {
            XCTAssertEqual(record.topCandidates.count, 8)
            for position in 0..<8 {
                let top = record.topCandidates[position]
                XCTAssertEqual(top != nil, canvas.isMasked(position), "step \(record.step) position \(position)")
                guard let top else { continue }
                XCTAssertEqual(top.count, TokenProbability.recordedCount)
                XCTAssertEqual(top.map(\.probability), top.map(\.probability).sorted(by: >), "likeliest first")
                XCTAssertLessThanOrEqual(top.reduce(0) { $0 + $1.probability }, 1.0001)
            }
            // Greedy: a commit is its position's likeliest token, with that probability.
            for commit in record.commits {
                let first = try XCTUnwrap(record.topCandidates[commit.position]?.first)
                XCTAssertEqual(first.token, commit.token)
                XCTAssertEqual(first.probability, commit.confidence, accuracy: 1e-5)
            }
            try canvas.apply(record)
        }
    }

    func testVersion1TranscriptsStillReadWithoutTaskOrCandidates() throws {
        let lines = try decodedTranscript(task: EvalTask(id: "t17", prompt: "d e", answer: "36")).jsonLines()
            .split(separator: "\n").map { line in
                line.replacingOccurrences(of: #","top_candidates":\[.*\](?=,"type")"#, with: "", options: .regularExpression)
                    .replacingOccurrences(of: #","task":\{[^}]*\}"#, with: "", options: .regularExpression)
                    .replacingOccurrences(of: "\"version\":3", with: "\"version\":1")
            }
        XCTAssertFalse(lines.joined().contains("top_candidates"))
        let read = try Transcript(jsonLines: lines.joined(separator: "\n"))
        XCTAssertNil(read.header.taskId)
        XCTAssertTrue(read.steps.allSatisfy { $0.topCandidates.isEmpty })
    }

    /// A transcript whose last step also replaced a token decoded earlier (LLaDA2.1's editing).
    private func editedTranscript() throws -> (Transcript, TokenEdit) {
        var transcript = try decodedTranscript()
        let last = transcript.steps.count - 1
        let before = try transcript.canvas(afterStep: last)
        let position = try XCTUnwrap(before.states.indices.first { !before.isMasked($0) })
        let old = before.generatedIds[position]
        let edit = TokenEdit(position: position, old: old, new: (old + 1) % 30, probability: 0.75)
        transcript.steps[last].edits = [edit]
        transcript.summary.ids[position] = edit.new
        transcript.summary.text = LetterPieces().text(transcript.summary.ids)
        return (transcript, edit)
    }

    func testVersion3CarriesEditsAndReplaysThem() throws {
        let (transcript, edit) = try editedTranscript()
        let text = try transcript.jsonLines()
        XCTAssertTrue(text.contains("\"edits\":[{\"new\":\(edit.new),\"old\":\(edit.old),\"position\":\(edit.position),\"probability\":0.75}]"), text)
        let read = try Transcript(jsonLines: text)
        XCTAssertEqual(read, transcript)
        let end = try read.canvas(afterStep: read.steps.count)
        XCTAssertEqual(end.generatedIds[edit.position], edit.new)
        XCTAssertTrue(end.isEdited(edit.position))
        var back = end
        back.undo(read.steps.last!)
        XCTAssertEqual(back.generatedIds[edit.position], edit.old, "undo restores the replaced token")
        XCTAssertFalse(back.isEdited(edit.position))
    }

    func testAnEditOfATokenThePositionDoesNotHoldIsRejected() throws {
        let (transcript, edit) = try editedTranscript()
        let text = try transcript.jsonLines().replacingOccurrences(of: "\"old\":\(edit.old)", with: "\"old\":\((edit.old + 2) % 30)")
        XCTAssertThrowsError(try Transcript(jsonLines: text)) { error in
            XCTAssertTrue("\(error)".contains("edits position \(edit.position)"), "\(error)")
        }
    }

    func testTranscriptRoundTripsExactly() throws {
        let transcript = try decodedTranscript()
        let text = try transcript.jsonLines()
        let read = try Transcript(jsonLines: text)
        XCTAssertEqual(read, transcript)
        XCTAssertEqual(try read.jsonLines(), text)
        XCTAssertEqual(text.split(separator: "\n").count, transcript.steps.count + 2)
    }

    func testStepsThatCommitNothingAreRecordedAndReplayed() throws {
        let model = ScriptedModel(columns: 32) { _, _, position in peakedRow(columns: 32, token: position, p: 0.6) }
        let decode = try session(model, length: 6, DecodeSettings(order: .origin, parallelism: .timesteps(steps: 12), seed: 3))
        try decode.runToEnd()
        XCTAssertTrue(decode.history.contains { $0.commits.isEmpty }, "12 steps over 6 masks leave some idle")
        let transcript = Transcript(session: decode, model: ModelIdentity(id: "scripted", configHash: "fnv1a64:0123456789abcdef"),
                                    tool: "dscope test")
        let read = try Transcript(jsonLines: transcript.jsonLines())
        XCTAssertEqual(read, transcript)
        XCTAssertEqual(read.steps.count, decode.history.count)
        XCTAssertEqual(try read.canvas(afterStep: read.steps.count).stepMap, decode.canvas.stepMap)
    }

    func testSettingsAppearOnTheFirstStepAndWhereABranchChangedThem() throws {
        let lines = try decodedTranscript().jsonLines().split(separator: "\n")
        XCTAssertTrue(lines[1].contains("\"settings\""))
        XCTAssertFalse(lines[2].contains("\"settings\""))
        XCTAssertTrue(lines[3].contains("\"rule\":\"threshold\""))
    }

    func testReplayRebuildsEveryCanvasWithoutTheModel() throws {
        let transcript = try decodedTranscript()
        XCTAssertEqual(try transcript.canvas(afterStep: 0).maskedCount, 8)
        let final = try transcript.canvas(afterStep: transcript.steps.count)
        XCTAssertEqual(final.generatedIds, transcript.summary.ids)
        XCTAssertEqual(final.stepMap, transcript.summary.stepMap)
        XCTAssertEqual(transcript.tokenText?.text(final.generatedIds), transcript.summary.text)
    }

    func testTranscriptWithoutTokenizerHasNoTextOrPieces() throws {
        let text = try decodedTranscript(tokenText: nil).jsonLines()
        XCTAssertFalse(text.contains("\"piece\""))
        XCTAssertNil(try Transcript(jsonLines: text).summary.text)
    }

    func testTranscriptWithoutGuessesStillReads() throws {
        let lines = try decodedTranscript().jsonLines().split(separator: "\n").map { line in
            line.replacingOccurrences(of: #","masked_guesses":\[[^\]]*\]"#, with: "", options: .regularExpression)
        }
        XCTAssertFalse(lines.joined().contains("masked_guesses"))
        let read = try Transcript(jsonLines: lines.joined(separator: "\n"))
        XCTAssertTrue(read.steps.allSatisfy { $0.maskedGuesses.isEmpty })
    }

    func testGuessUnderADecodedPositionIsRejected() throws {
        let transcript = try decodedTranscript()
        let decoded = transcript.steps[0].commits[0].position
        var guesses = transcript.steps[0].maskedGuesses.map { $0.map(String.init) ?? "null" }
        let text = try transcript.jsonLines()
        let old = "\"masked_guesses\":[" + guesses.joined(separator: ",") + "]"
        guesses[decoded] = "7"
        assertError(corrupt(text, line: 2, old, "\"masked_guesses\":[" + guesses.joined(separator: ",") + "]"),
                    .field(line: 2, field: "masked_guesses[\(decoded)]", problem: "must be null or a token id of a position still masked"))
    }

    /// Replaces the first occurrence of `old` on 1-based `line`.
    private func corrupt(_ text: String, line: Int, _ old: String, _ new: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let range = lines[line - 1].range(of: old)!
        lines[line - 1].replaceSubrange(range, with: new)
        return lines.joined(separator: "\n")
    }

    private func assertError(_ text: String, _ expected: TranscriptError, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try Transcript(jsonLines: text), file: file, line: line) { error in
            XCTAssertEqual(error as? TranscriptError, expected, file: file, line: line)
            XCTAssertTrue("\(error)".contains("dscope decode --transcript"), file: file, line: line)
        }
    }

    func testCorruptTranscriptNamesTheLineAndTheField() throws {
        let text = try decodedTranscript().jsonLines()
        assertError(corrupt(text, line: 3, "\"token\":", "\"tokn\":"),
                    .field(line: 3, field: "commits[0].token", problem: "missing"))
        assertError(corrupt(text, line: 2, "\"rank\":1", "\"rank\":\"1\""),
                    .field(line: 2, field: "commits[0].rank", problem: "not a Int"))
        assertError(corrupt(text, line: 1, "\"order\":\"confidence\"", "\"order\":\"sideways\""),
                    .field(line: 1, field: "settings.order", problem: "invalid value"))
        assertError(corrupt(text, line: 4, "{", "["), .notJSON(line: 4))
    }

    func testStepThatDoesNotReplayIsRejected() throws {
        let transcript = try decodedTranscript()
        let text = try transcript.jsonLines()
        let decoded = transcript.steps[0].commits[0].position
        let second = transcript.steps[1].commits[0].position
        assertError(corrupt(text, line: 3, "\"position\":\(second)", "\"position\":\(decoded)"),
                    .field(line: 3, field: "commits[0].position", problem: "\(decoded) is not a masked position of block 0"))
        assertError(corrupt(text, line: 2, "\"step\":1", "\"step\":2"),
                    .field(line: 2, field: "step", problem: "expected 1, found 2"))
    }

    func testTruncatedTranscriptReportsTheMissingSummary() throws {
        let lines = try decodedTranscript().jsonLines().split(separator: "\n")
        let cut = lines.dropLast().joined(separator: "\n")
        assertError(cut, .missingSummary(lines: lines.count - 1))
        assertError("", .empty)
    }

    func testSummaryThatDisagreesWithTheStepsIsRejected() throws {
        let transcript = try decodedTranscript()
        let text = try transcript.jsonLines()
        let last = transcript.steps.count + 2
        assertError(corrupt(text, line: last, "\"steps\":\(transcript.steps.count)", "\"steps\":99"),
                    .field(line: last, field: "steps", problem: "99 disagrees with the replayed steps (\(transcript.steps.count))"))
    }

    func testTranscriptOfALLaDADecodeRoundTrips() throws {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/llada-tiny").path
        let model = try TransformerModel(folder: folder, threads: 1)
        let settings = DecodeSettings(order: .random, blockLength: 4, parallelism: .entropyBound(1), temperature: 0.7, seed: 3)
        let decode = try DecodeSession(model: model, promptIds: [5, 9, 11], generationLength: 12, settings: settings)
        try decode.runToEnd()
        let transcript = Transcript(session: decode, model: ModelIdentity(id: folder, config: model.config), tool: "dscope test")
        XCTAssertEqual(try Transcript(jsonLines: transcript.jsonLines()), transcript)
    }
}

final class EditCountsTests: XCTestCase {
    func testCountsEditsByTokenAndStep() {
        let settings = DecodeSettings()
        func step(_ n: Int, _ edits: [TokenEdit]) -> StepRecord {
            StepRecord(step: n, block: 0, settings: settings, commits: [], maskedEntropyNats: [], forwardPasses: 1,
                       forwardMillis: 0, stepMillis: 0, edits: edits)
        }
        let header = TranscriptHeader(tool: "t", model: ModelIdentity(id: "m", configHash: "h"), tokenizerId: nil, promptText: nil,
                                      promptIds: [1], generationLength: 2, vocabulary: VocabularyFacts(maskId: 9, eosId: 8, logitColumns: 10),
                                      settings: settings)
        let summary = DecodeSummary(ids: [], text: nil, stepMap: [], steps: 0, forwardPasses: 0, complete: true, decodeMillis: 0)
        let transcript = Transcript(header: header, steps: [
            step(1, []), step(2, [TokenEdit(position: 0, old: 3, new: 4, probability: 0.9)]),
            step(3, [TokenEdit(position: 1, old: 3, new: 5, probability: 0.8), TokenEdit(position: 0, old: 4, new: 3, probability: 0.7)]),
        ], pieces: [:], summary: summary)
        let counts = EditCounts(transcripts: [transcript, transcript])
        XCTAssertEqual(counts.total, 6)
        XCTAssertEqual(counts.byStep, [2: 2, 3: 4])
        XCTAssertEqual(counts.byOldToken, [3: 4, 4: 2])
        XCTAssertEqual(counts.byNewToken, [4: 2, 5: 2, 3: 2])
        XCTAssertTrue(counts.text(top: 5) { "t\($0)" }.contains("by step:      step 3: 4, step 2: 2"))
        XCTAssertEqual(EditCounts(transcripts: []).text(top: 5) { "\($0)" }, "")
    }
}
