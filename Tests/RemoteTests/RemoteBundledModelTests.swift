import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest
import Decoder
import Kernels
import Models
@testable import Remote

/// The bundled model served by dscope-server (one server, with a token, for the whole class):
/// remote decodes are the local decodes and the PyTorch reference loop's, a sampled decode
/// replays from its transcript, and bad requests are refused without harming the server.
final class RemoteBundledModelTests: XCTestCase {
    private static let token = "remote-test-token"
    nonisolated(unsafe) private static var started: Result<ServerProcess, Error>?

    // Local decodes against the PyTorch server's fp32 forward: the exact matmul (bf16 weights take
    // vdpbf16ps with bf16 activations otherwise, where the CPU has AVX512-BF16, and a near-tie in AR
    // order then goes the other way).
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    private static func server() throws -> ServerProcess {
        if started == nil {
            started = Result { try ServerProcess(["--model", try ModelLocation("tiny-arith").path, "--token", token]) }
        }
        return try started!.get()
    }

    override class func tearDown() {
        if case .success(let server)? = started { server.stop() }
        started = nil
        super.tearDown()
    }

    private func remote(token: String? = RemoteBundledModelTests.token) throws -> RemoteModel {
        try RemoteModel(address: try Self.server().address, token: token, timeout: 60)
    }

    private func prompts(_ count: Int) throws -> [[Int]] {
        let location = try ModelLocation("tiny-arith")
        let tokenizer = try XCTUnwrap(try location.tokenizer())
        let tasks = try TaskFile.read(path: try XCTUnwrap(location.companionFile("heldout.jsonl")))
        return try tasks.prefix(count).map { try tokenizer.promptIDs(for: $0.prompt, chat: true) }
    }

    private func decode(_ model: DenoisingModel, prompt: [Int], length: Int, settings: DecodeSettings) throws -> DecodeSession {
        let session = try DecodeSession(model: model, promptIds: prompt, generationLength: length, settings: settings)
        try session.runToEnd()
        return session
    }

    func testGreedyRemoteDecodesAreTheLocalAndTheReferenceLoopsDecodes() throws {
        let remote = try remote()
        let location = try ModelLocation("tiny-arith")
        let local = try location.model(threads: 1)
        let length = try XCTUnwrap(location.generationDefaults.generationLength)
        let prompts = try prompts(1), blockLengths = [1, length]
        let reference = try PythonReference.greedyDecodes(folder: location.path, prompts: prompts,
                                                          generationLength: length, blockLengths: blockLengths)
        for (blockLength, decodes) in zip(blockLengths, reference) {
            for (prompt, expected) in zip(prompts, decodes) {
                let settings = DecodeSettings(order: .confidence, blockLength: blockLength)
                let far = try decode(remote, prompt: prompt, length: length, settings: settings)
                let near = try decode(local, prompt: prompt, length: length, settings: settings)
                XCTAssertEqual(far.canvas.generatedIds, expected, "remote vs reference loop, block \(blockLength)")
                XCTAssertEqual(far.canvas.generatedIds, near.canvas.generatedIds, "remote vs local, block \(blockLength)")
                // The order may differ only where confidences tie to float32 noise (the end-of-text
                // tail, all at p ≈ 1): PyTorch's and dscope's forwards round differently.
                let flips = zip(far.canvas.stepMap, near.canvas.stepMap).filter { $0 != $1 }.count
                if flips > 0 { print("near-tie commit-order flips, block \(blockLength): \(flips) of \(length) positions") }
                if blockLength == 1 { XCTAssertEqual(flips, 0, "AR order has no ties to break") }
            }
        }
    }

    func testASampledRemoteDecodeReplaysFromItsTranscriptAndMatchesTheLocalOne() throws {
        let remote = try remote()
        let prompt = try prompts(1)[0]
        let settings = DecodeSettings(order: .margin, parallelism: .perStep(k: 2), temperature: 1, seed: 11)
        let first = try decode(remote, prompt: prompt, length: 48, settings: settings)
        let text = try Transcript(session: first, model: remote.identity, tool: "test", promptText: nil, tokenText: nil).jsonLines()
        let header = try Transcript(jsonLines: text).header
        XCTAssertEqual(header.model, remote.identity)
        let replay = try decode(remote, prompt: header.promptIds, length: header.generationLength, settings: header.settings)
        XCTAssertEqual(replay.history.map(\.commits), first.history.map(\.commits))
        let local = try decode(try ModelLocation("tiny-arith").model(threads: 1), prompt: prompt, length: 48, settings: settings)
        XCTAssertEqual(local.canvas.generatedIds, first.canvas.generatedIds, "T = 1: local and remote sample alike")
    }

    func testAWrongOrMissingTokenIsRefused() throws {
        XCTAssertThrowsError(try remote(token: "wrong")) { error in
            guard case RemoteModelError.unauthorised = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains("DSCOPE_SERVER_TOKEN"), "\(error)")
        }
        XCTAssertThrowsError(try remote(token: nil)) { error in
            guard case RemoteModelError.unauthorised = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(try post("v1/statistics", body: Data("{}".utf8), token: "wrong").status, 401)
    }

    func testMalformedRequestsGet400WithAMessageAndTheServerKeepsServing() throws {
        let cases: [(String, String)] = [
            ("not json", "not JSON"),
            (#"{"temperature": 0, "canvases": []}"#, "canvases"),
            (#"{"temperature": 0, "canvases": [{"tokens": [1, 2, 9999], "rows": [0]}]}"#, "tokens[2]"),
            (#"{"temperature": 0, "canvases": [{"tokens": [1, 2, 3], "rows": [3]}]}"#, "rows[0]"),
            (#"{"temperature": -1, "canvases": [{"tokens": [1], "rows": [0]}]}"#, "temperature"),
            (#"{"temperature": 0, "canvases": [{"tokens": [\#((0..<300).map { _ in "3" }.joined(separator: ","))], "rows": [0]}]}"#, "length 300"),
        ]
        for (body, field) in cases {
            let answer = try post("v1/statistics", body: Data(body.utf8))
            XCTAssertEqual(answer.status, 400, body)
            XCTAssertTrue(answer.text.contains(field), "\(answer.text) should name \(field)")
        }
        XCTAssertEqual(try remote().health.name, "tiny-arith", "still serving")
    }

    func testAStepShipsStatisticsNotVocabularyRows() throws {
        let remote = try remote()
        let prompt = try prompts(1)[0]
        let rows = Array(prompt.count..<(prompt.count + 80))
        let request = StatisticsRequest(canvas: prompt + Array(repeating: remote.vocabulary.maskId, count: 80),
                                        promptLength: prompt.count, rows: rows, samplePositions: rows.map { $0 - prompt.count },
                                        step: 1, seed: 0, temperature: 1, maskId: remote.vocabulary.maskId,
                                        suppressedToken: nil, cfgScale: 0)
        let answer = try remote.statistics([request], topK: 4)
        XCTAssertEqual(answer.bytes, 16 + 80 * (24 + 8 * 4), "header, then 24 bytes and the top-k per row")
        XCTAssertEqual(answer.rows[0].count, 80)
        // The same rows computed here from the server's whole logits rows (the debugging path).
        var logits = try remote.logits(canvas: request.canvas, positions: rows)
        let local = request.statistics(of: &logits)
        // The server sums Z = Σ exp(z) in float64, dscope in 16 float32 lanes of columns/16 terms
        // each, then across the lanes (Kernels/SoftmaxStatistics): p = e/Z then differs by Z's
        // rounding, at most (columns/16 + 15 + 2 for exp) float32 units relative. A flat row (a
        // model early in training) reaches ~1e-6 at p ≈ 0.9; a peaked one stays far below.
        let relative = Double(logits.columns / 16 + 17) * Double(Float.ulpOfOne) / 2
        func agreement(_ p: Float) -> Float { Float(max(1e-6, Double(p) * relative)) }
        for (far, near) in zip(answer.rows[0], local) {
            XCTAssertEqual(far.token, near.token)
            XCTAssertEqual(far.topId, near.topId)
            XCTAssertEqual(far.entropyNats, near.entropyNats, accuracy: 1e-5)
            XCTAssertEqual(far.tokenProbability, near.tokenProbability, accuracy: agreement(near.tokenProbability))
            XCTAssertEqual(far.secondProbability, near.secondProbability, accuracy: agreement(near.secondProbability))
        }
    }

    private func post(_ path: String, body: Data, token: String = RemoteBundledModelTests.token) throws -> (status: Int, text: String) {
        var request = URLRequest(url: URL(string: try Self.server().address)!.appendingPathComponent(path))
        request.httpMethod = "POST"
        request.httpBody = body
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let done = DispatchSemaphore(value: 0)
        let box = AnswerBox()
        URLSession.shared.dataTask(with: request) { data, response, _ in
            box.value = ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data ?? Data(), as: UTF8.self))
            done.signal()
        }.resume()
        done.wait()
        return box.value ?? (0, "")
    }
}

private final class AnswerBox: @unchecked Sendable {
    var value: (Int, String)?
}

extension RemoteBundledModelTests {
    /// passk/tradeoff --batch: samples stepped together (one request per step) decode as alone.
    func testBatchedDecodesAreTheDecodesEachSampleGivesAlone() throws {
        let remote = try remote()
        let location = try ModelLocation("tiny-arith")
        let tokenizer = try XCTUnwrap(try location.tokenizer())
        let tasks = Array(try TaskFile.read(path: try XCTUnwrap(location.companionFile("heldout.jsonl"))).prefix(2))
        let decoder = TaskDecoder(model: remote, vocabulary: remote.vocabulary, tokenText: try TokenizerText(folder: URL(fileURLWithPath: location.path)),
                                  checker: .lastNumber, generationLength: 48,
                                  promptIds: { try tokenizer.promptIDs(for: $0.prompt, chat: true) })
        let confidence = DecodeSettings(order: .confidence, temperature: 1, seed: 17)
        let ar = DecodeSettings(order: .ar, blockLength: 1, temperature: 1, seed: 18)
        var items: [(task: EvalTask, settings: DecodeSettings)] = []
        for task in tasks { items += [(task, confidence), (task, ar)] }
        let before = remote.traffic.requests
        let together = try decoder.decode(items)
        let requests = remote.traffic.requests - before
        XCTAssertLessThanOrEqual(requests, 48, "one request per step of the longest decode, not one per sample")
        for (item, outcome) in zip(items, together) {
            let alone = try decoder.decode(item.task, settings: item.settings)
            XCTAssertEqual(outcome.session.history.map(\.commits), alone.session.history.map(\.commits), "\(item.task.id)")
        }
    }
}
