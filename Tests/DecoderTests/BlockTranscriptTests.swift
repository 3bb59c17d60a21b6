import XCTest
import Models
@testable import Decoder
import TestFixtures

/// Block-diffusion decodes as transcripts: one step record per forward of the official loop
/// (prefill, denoise, post, store), with its commits, edits and the statistics of the block's
/// masked rows, read back exactly and replayed onto the loop's own canvas.
final class BlockTranscriptTests: XCTestCase {
    private let identity = ModelIdentity(id: "fixture", configHash: "fnv1a64:0123456789abcdef")

    /// A fixture decode recorded step by step, with the loop's result.
    private func recorded(_ name: String, prompt: [Int], settings: BlockDecodeSettings) throws
        -> (transcript: Transcript, result: BlockDecodeResult) {
        let model = try BlockFixture.model(name)
        let maskId = try BlockFixture.expected(name)["mask_token_id"] as! Int
        var recorder = BlockStepRecorder(modelName: name, promptIds: prompt, settings: settings, maskId: maskId)
        let result = try BlockDecode.run(model: model, prompt: prompt, settings: settings, maskId: maskId) {
            try recorder.append($0, settings: settings, millis: 1)
        }
        let transcript = Transcript(blockDecode: recorder, settings: settings, vocabulary: model.vocabulary,
                                    model: identity, tool: "dscope test")
        return (transcript, result)
    }

    private func llada2(edit: Double? = 0.3) throws -> (transcript: Transcript, result: BlockDecodeResult) {
        try recorded("llada2-tiny", prompt: [24, 151, 24, 207, 222], settings: BlockDecodeSettings(
            blockLength: 8, generationLength: 24,
            rule: .llada2(LLaDA2DecodeRule(steps: 4, threshold: 0.95, editThreshold: edit, postSteps: 3, eosId: nil))))
    }

    private func sdar() throws -> (transcript: Transcript, result: BlockDecodeResult) {
        try recorded("sdar-tiny", prompt: [17, 99, 201, 4, 45, 150], settings: BlockDecodeSettings(
            blockLength: 4, generationLength: 12, rule: .sdar(SDARDecodeRule(strategy: .lowConfidenceStatic, stepsPerBlock: 4))))
    }

    private func fastDLLMv2() throws -> (transcript: Transcript, result: BlockDecodeResult) {
        try recorded("fastdllm-v2-tiny", prompt: [79, 218, 41, 187, 129, 199, 118], settings: BlockDecodeSettings(
            blockLength: 8, generationLength: 24, rule: .fastDLLMv2(FastDLLMv2DecodeRule(subBlockLength: 4, threshold: 0.9, stopToken: 281))))
    }

    func testEveryFamilyRoundTripsExactlyAndReplaysToTheLoopsCanvas() throws {
        for (family, decode) in [("sdar", try sdar()), ("fast-dllm v2", try fastDLLMv2()), ("llada2", try llada2())] {
            let (transcript, result) = decode
            let text = try transcript.jsonLines()
            let read = try Transcript(jsonLines: text)
            XCTAssertEqual(read, transcript, family)
            XCTAssertEqual(try read.jsonLines(), text, family)
            XCTAssertEqual(read.steps.count, result.forwards, "\(family): one record per forward")
            let replayed = try read.canvas(afterStep: read.steps.count)
            XCTAssertEqual(Array(replayed.tokens.prefix(result.canvas.count)), result.canvas, family)
            XCTAssertTrue(replayed.tokens.dropFirst(result.canvas.count).allSatisfy { $0 == replayed.maskId },
                          "\(family): positions the loop never reached stay masked")
        }
    }

    func testAStepRecordsItsForwardCommitsEditsAndTheBlocksMaskedRows() throws {
        let (transcript, result) = try llada2()
        let P = transcript.header.promptIds.count
        XCTAssertEqual(transcript.header.settings.block?.blockLength, 8)
        XCTAssertTrue(try transcript.jsonLines().contains("\"cache\":\"exact_block\""))
        XCTAssertTrue(try transcript.jsonLines().contains("\"version\":4"), "a block decode is a version 4 transcript")
        XCTAssertGreaterThan(result.steps.flatMap(\.edits).count, 0, "the fixture decode edits")
        var canvas = try transcript.canvas(afterStep: 0)
        for (record, step) in zip(transcript.steps, result.steps) {
            XCTAssertEqual(record.blockForward, BlockForward(kind: step.kind, positions: step.forward))
            XCTAssertEqual(record.block, step.block)
            XCTAssertEqual(record.commits.map { [$0.position + P, $0.token] }, step.commits.map { [$0.position, $0.token] })
            XCTAssertEqual(record.commits.map(\.confidence), step.commits.map(\.probability), "the loop's own probability")
            XCTAssertEqual(record.edits.map { [$0.position + P, $0.old, $0.new] }, step.edits.map { [$0.position, $0.old, $0.new] })
            let committed = Set(record.commits.map(\.position))
            for position in canvas.maskedPositions where !committed.contains(position) {
                let inBlock = (position + P) / 8 == step.block && step.kind == .denoise
                // The block's masked rows carry the forward's entropy; masks elsewhere were not computed.
                XCTAssertEqual(record.maskedEntropyNats[position] != nil, inBlock, "step \(record.step) position \(position)")
                if let h = record.maskedEntropyNats[position] { XCTAssertEqual(h, step.rows[position + P]!.entropyNats) }
            }
            for commit in record.commits {
                XCTAssertEqual(commit.entropyNats, step.rows[commit.position + P]!.entropyNats)
                XCTAssertTrue(commit.entropyNats.isFinite && commit.margin >= 0)
            }
            try canvas.apply(record)
        }
        XCTAssertEqual(transcript.summary.forwardPasses, result.forwards)
    }

    func testFastDLLMv2sAutoregressiveTokenIsTheStoreStepsCommit() throws {
        let (transcript, result) = try fastDLLMv2()
        let P = transcript.header.promptIds.count
        let stores = zip(transcript.steps, result.steps).filter { $0.1.kind == .store }
        XCTAssertFalse(stores.isEmpty)
        for (record, step) in stores {
            let appended = try XCTUnwrap(step.appended)
            XCTAssertEqual(record.commits.map { [$0.position + P, $0.token] }, [[appended.position, appended.token]])
        }
    }

    func testAnalyzeGroupsByTheRuleAndCountsEditsByStepAndToken() throws {
        let (transcript, result) = try llada2()
        XCTAssertEqual(transcript.orderLabel, "llada2 τ>0.95 edit>0.3 block 8 · 4 steps")
        let counts = EditCounts(transcripts: [transcript])
        let edits = result.steps.flatMap(\.edits)
        XCTAssertEqual(counts.total, edits.count)
        XCTAssertEqual(counts.byStep.values.reduce(0, +), edits.count)
        XCTAssertEqual(counts.byNewToken, Dictionary(edits.map { ($0.new, 1) }, uniquingKeysWith: +))
        let analysis = DecodeAnalysis(transcripts: [transcript], topTokens: 5)
        XCTAssertEqual(analysis.groups.map(\.label), [transcript.orderLabel])
    }

    func testBlockStepsAreChecked() throws {
        let text = try llada2().transcript.jsonLines()
        let cases: [(String, String, String)] = [
            ("\"kind\":\"denoise\"", "\"kind\":\"bake\"", "field kind: unknown kind"),
            ("\"family\":\"llada2\"", "\"family\":\"llada9\"", "settings.block_rule.family"),
            ("\"generation_length\":27", "\"generation_length\":26", "field generation_length"),
            ("\"cache\":\"exact_block\"", "\"cache\":\"dual\"", "field settings.cache"),
        ]
        for (find, replace, message) in cases {
            XCTAssertTrue(text.contains(find), find)
            let broken = text.replacingOccurrences(of: find, with: replace)
            XCTAssertThrowsError(try Transcript(jsonLines: broken), find) { error in
                XCTAssertTrue("\(error)".contains(message), "\(find): \(error)")
            }
        }
    }

    func testAnEditOutsideItsBlockIsRejected() throws {
        let transcript = try llada2().transcript
        let index = try XCTUnwrap(transcript.steps.firstIndex { !$0.edits.isEmpty })
        var steps = transcript.steps
        steps[index].block += 1
        let moved = Transcript(header: transcript.header, steps: steps, pieces: [:], summary: transcript.summary)
        XCTAssertThrowsError(try Transcript(jsonLines: moved.jsonLines())) { error in
            XCTAssertTrue("\(error)".contains("line \(index + 2)"), "\(error)")
        }
    }
}
