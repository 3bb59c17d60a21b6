import Foundation
import Models
import XCTest

/// `dscope decode` and `dscope logits` on the block-diffusion fixtures (tools/fixtures-block).
final class BlockDecodeCommandTests: XCTestCase {
    /// The LLaDA2 fixture's decode with editing (fixture "llada2/s4-t0.95-e0.3-post3").
    private let llada2Settings = ["--prompt-ids", "24,151,24,207,222", "--gen-length", "24", "--block", "8", "--steps-per-block", "4",
                                  "--threshold", "0.95", "--edit-threshold", "0.3", "--post-steps", "3"]

    private func ids(_ json: String) throws -> [Int] {
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
        return object["ids"] as! [Int]
    }

    func testSDARDecodeReturnsTheWholeCanvasLikeGeneratePy() throws {
        let model = try blockFixture("sdar-tiny", maskId: 287)
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath:
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("tools/fixtures-block/sdar-tiny/expected.json").path))) as! [String: Any]
        let decode = (expected["decodes"] as! [[String: Any]]).first { $0["name"] as! String == "sdar/dynamic-b4-s4-t0.85-stop" }!
        // The defaults are generate.py's (dynamic, 4 steps, 0.85); the stop id 280 comes from
        // generation_config.json, and the returned canvas keeps the undecoded blocks' masks.
        let prompt = (decode["prompt"] as! [Int]).map(String.init).joined(separator: ",")
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", prompt, "--gen-length", "16", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try ids(result.stdout), decode["ids"] as! [Int])
        XCTAssertTrue((decode["ids"] as! [Int]).contains(287), "the fixture stops before the last block")
    }

    func testFastDLLMv2DecodeEndsWithItsAutoregressiveToken() throws {
        let model = try blockFixture("fastdllm-v2-tiny", maskId: 286)
        // fixture "fastdllm/b8-sub4-t0.9-short-prompt"; the stop token is config.json's eos 281.
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", "79,218,41,187,129,199,118",
                                           "--gen-length", "24", "--sub-block", "4", "--threshold", "0.9", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(try ids(result.stdout), [79, 218, 41, 187, 129, 199, 118, 153, 127, 24, 43, 43, 78, 110, 172, 270,
                                                240, 246, 94, 43, 251, 258, 25, 24, 246])
    }

    func testTranscriptOfABlockDecodeReadsInAnalyzeWithItsEdits() throws {
        let model = try blockFixture("llada2-tiny", maskId: 285)
        let transcript = NSTemporaryDirectory() + "block-transcript-\(UUID().uuidString).jsonl"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: transcript) }
        // fixture "llada2/s4-t0.95-e0.3-post3": 43 edits in the official pipeline's trace.
        let decode = try DscopeBinary.run(["decode", "--model", model] + llada2Settings + ["--transcript", transcript, "--json"])
        XCTAssertEqual(decode.status, 0, decode.stderr)
        let lines = try String(contentsOfFile: transcript, encoding: .utf8).split(separator: "\n")
        XCTAssertTrue(lines[0].contains("\"block_rule\":{") && lines[0].contains("\"cache\":\"exact_block\""), String(lines[0]))
        XCTAssertTrue(lines[1].contains("\"kind\":\"denoise\""), String(lines[1]))
        let analyze = try DscopeBinary.run(["analyze", transcript])
        XCTAssertEqual(analyze.status, 0, analyze.stderr)
        XCTAssertTrue(analyze.stdout.contains("llada2 τ>0.95 edit>0.3 block 8 · 4 steps"), analyze.stdout)
        XCTAssertTrue(analyze.stdout.contains("edits: 43 decoded tokens replaced"), analyze.stdout)
    }

    func testReplayWithTheModelReRunsABlockTranscriptAndDecodesOnLive() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        let model = try blockFixture("llada2-tiny", maskId: 285)
        let transcript = NSTemporaryDirectory() + "block-branch-\(UUID().uuidString).jsonl"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: transcript) }
        let decode = try DscopeBinary.run(["decode", "--model", model] + llada2Settings + ["--transcript", transcript])
        XCTAssertEqual(decode.status, 0, decode.stderr)
        // Only the first 10 of the 22 recorded steps are re-run; the rest decode live.
        let tmux = try TmuxSession(width: 120, height: 40, command: "\(DscopeBinary.url.path) replay \(transcript) --model \(model) "
            + "--rerun-steps 10 --paused; sleep 60")
        // the frame is drawn top to bottom: wait for the status bar too
        let first = try tmux.waitFor("the first frame") { $0.contains("step 0") && $0.contains(" fwd") }
        XCTAssertTrue(first.contains("llada2 τ>0.95 edit>0.3 block 8 · 4 steps"), first)
        try tmux.send("G")
        let done = try tmux.waitFor("the decode to finish") { $0.contains("■ done") && $0.contains(" fwd") }
        XCTAssertTrue(done.contains("cache: 4 blocks · 32 pos") && done.contains("22 fwd"), done)
    }

    func testReplayWithOtherWeightsNamesTheFirstStepThatDiffers() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        let model = try blockFixture("llada2-tiny", maskId: 285)
        let transcript = NSTemporaryDirectory() + "block-tampered-\(UUID().uuidString).jsonl"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: transcript) }
        let decode = try DscopeBinary.run(["decode", "--model", model] + llada2Settings + ["--transcript", transcript])
        XCTAssertEqual(decode.status, 0, decode.stderr)
        // What other weights would have decoded: the last commit that no later step edits takes
        // another token (in its step and in the summary, so the file itself stays consistent).
        var objects = try String(contentsOfFile: transcript, encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        let edited = Set(objects.flatMap { ($0["edits"] as? [[String: Any]] ?? []).map { $0["position"] as! Int } })
        let line = try XCTUnwrap(objects.indices.dropLast().last { index in
            (objects[index]["commits"] as? [[String: Any]])?.last.map { !edited.contains($0["position"] as! Int) } ?? false
        })
        var commits = objects[line]["commits"] as! [[String: Any]]
        let position = commits[commits.count - 1]["position"] as! Int, token = (commits[commits.count - 1]["token"] as! Int + 1) % 280
        commits[commits.count - 1]["token"] = token
        objects[line]["commits"] = commits
        var ids = objects[objects.count - 1]["ids"] as! [Int]
        ids[position] = token
        objects[objects.count - 1]["ids"] = ids
        try objects.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }.joined(separator: "\n")
            .appending("\n").write(toFile: transcript, atomically: true, encoding: .utf8)
        let step = objects[line]["step"] as! Int
        let tmux = try TmuxSession(width: 200, height: 20, command: "\(DscopeBinary.url.path) replay \(transcript) --model \(model); sleep 60")
        // Long temporary paths wrap: the message is read with the pane's lines joined.
        let error = try tmux.waitFor("the error") { $0.contains("decoded it") }.replacingOccurrences(of: "\n", with: "")
        XCTAssertTrue(error.contains("error: \(transcript): step \(step) differs from the transcript (commits "), error)
        XCTAssertTrue(error.contains("a different model or weights than the ones that decoded it"), error)
    }

    func testTheScopeStepsABlockModelInATerminal() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        let model = try blockFixture("llada2-tiny", maskId: 285)
        let command = "\(DscopeBinary.url.path) --model \(model) \(llada2Settings.joined(separator: " ")) --paused; sleep 60"
        let tmux = try TmuxSession(width: 120, height: 40, command: command)
        // the frame is drawn top to bottom: wait for the status bar too
        let first = try tmux.waitFor("the first frame") { $0.contains("step 0") && $0.contains("cache: 0 blocks") }
        XCTAssertTrue(first.contains("⟦░░░⟧········│········│········"), first)
        XCTAssertTrue(first.contains("llada2 τ>0.95 edit>0.3 block 8 · 4 steps │ cache: 0 blocks · 0 pos"), first)
        try tmux.send("G")
        let done = try tmux.waitFor("the decode to finish") { $0.contains("■ done") && $0.contains(" fwd") }
        XCTAssertTrue(done.contains("cache: 4 blocks · 32 pos") && done.contains("22 fwd"), done)
        try tmux.send("g")
        try tmux.waitFor("the start") { $0.contains("step 0") && $0.contains("cache: 0 blocks") }
        try tmux.send("G")
        let again = try tmux.waitFor("the end again") { $0.contains("■ done") && $0.contains(" fwd") }
        XCTAssertTrue(again.contains("22 fwd"), "scrubbing ran the model:\n\(again)")
        try tmux.send("o")
        try tmux.waitFor("the order key's answer") { $0.contains("not settings of llada2's official loop") }
        try tmux.send("q")
    }

    func testWholeCanvasFlagsAreRefusedByName() throws {
        let model = try blockFixture("sdar-tiny", maskId: 287)
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", "1,2", "--cache", "dual"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: --cache is not a setting of the block-diffusion loops"), result.stderr)
    }

    func testLogitsApplyTheBlockMask() throws {
        let model = try blockFixture("fastdllm-v2-tiny", maskId: 286)
        let out = NSTemporaryDirectory() + "block-logits-\(UUID().uuidString).npy"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: out) }
        let ids = [215, 132, 41, 246, 43, 67, 167, 239, 108, 241]
        let result = try DscopeBinary.run(["logits", "--model", model, "--ids", ids.map(String.init).joined(separator: ","), "--out", out])
        XCTAssertEqual(result.status, 0, result.stderr)
        let written = try NPYMatrix(contentsOf: out)
        // Block 0 (8 positions) cannot see block 1: its rows equal a forward of block 0 alone.
        let alone = try TransformerModel(folder: model, threads: 2).logits(tokens: Array(ids[..<8]), positions: Array(0..<8))
        XCTAssertEqual(Array(written.values[..<alone.values.count]), alone.values)
    }
}
