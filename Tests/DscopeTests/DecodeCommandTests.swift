import Foundation
import XCTest

/// `dscope decode` and `dscope bench decode` as a user runs them, on the decoder's parity checkpoint.
final class DecodeCommandTests: XCTestCase {
    private static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DecoderTests/Fixtures")
    private let model = fixtures.appendingPathComponent("llada-tiny").path

    /// The reference loop's tokens and step map for a parity case (see tools/make_decoder_fixtures.py).
    private func parityCase(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: Self.fixtures.appendingPathComponent("parity.json"))
        let cases = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["cases"] as? [[String: Any]]
        return try XCTUnwrap(cases?.first { $0["name"] as? String == name })
    }

    private func ids(_ value: Any?) -> String {
        (value as? [Int] ?? []).map(String.init).joined(separator: ",")
    }

    func testPrintsTheGeneratedIdsOfTheReferenceDecode() throws {
        let parity = try parityCase("confidence-blocks")
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", ids(parity["prompt_ids"]),
                                           "--gen-length", "24", "--block", "8", "--steps", "9"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, ids(parity["expected_ids"]) + "\n")
        XCTAssertEqual(result.stderr, "", "no progress line when stderr is not a terminal")
    }

    func testJSONSummaryHasTextIdsStepMapStepsAndForwardPasses() throws {
        let parity = try parityCase("threshold-0.9")
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", ids(parity["prompt_ids"]),
                                           "--gen-length", "24", "--block", "8", "--threshold", "0.9", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["ids"] as? [Int], parity["expected_ids"] as? [Int])
        XCTAssertEqual(summary["step_map"] as? [Int], parity["expected_step_map"] as? [Int])
        let steps = (parity["expected_step_map"] as? [Int])?.max()
        XCTAssertEqual(summary["steps"] as? Int, steps)
        XCTAssertEqual(summary["forward_passes"] as? Int, steps)
        XCTAssertTrue(summary.keys.contains("text"), "text is null without a tokenizer, but present")
    }

    func testWritesATranscriptWithHeaderStepsAndSummary() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", "5,6,7", "--gen-length", "8",
                                           "--k", "2", "--transcript", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 1 + 4 + 1)
        XCTAssertTrue(lines[0].contains("\"format\":\"dscope-transcript\""))
        XCTAssertTrue(lines[0].contains("\"config_hash\":\"fnv1a64:"))
        XCTAssertTrue(lines[5].contains("\"type\":\"summary\""))
    }

    func testPromptTextGoesThroughTheModelsTokenizer() throws {
        // The parity checkpoint plus a byte-level tokenizer whose ids for "a+b=c" fit its vocabulary.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tokenizer = Self.fixtures.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures/tokenizers/digits-bytelevel")
        for (source, name) in [(model + "/config.json", "config.json"), (model + "/model.safetensors", "model.safetensors"),
                               (tokenizer.path + "/tokenizer.json", "tokenizer.json"),
                               (tokenizer.path + "/tokenizer_config.json", "tokenizer_config.json")] {
            try FileManager.default.copyItem(atPath: source, toPath: folder.appendingPathComponent(name).path)
        }
        let byText = try DscopeBinary.run(["decode", "--model", folder.path, "--prompt", "a+b=c", "--no-chat", "--gen-length", "8", "--json"])
        let byIds = try DscopeBinary.run(["decode", "--model", folder.path, "--prompt-ids", "64,10,65,28,66", "--gen-length", "8", "--json"])
        XCTAssertEqual(byText.status, 0, byText.stderr)
        let summary = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(byText.stdout.utf8)) as? [String: Any])
        let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(byIds.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(summary["ids"] as? [Int], reference["ids"] as? [Int])
        XCTAssertEqual(summary["step_map"] as? [Int], reference["step_map"] as? [Int])
        XCTAssertNotNil(summary["text"] as? String)

        let chat = try DscopeBinary.run(["decode", "--model", folder.path, "--prompt", "a+b=c", "--chat", "--gen-length", "8"])
        XCTAssertEqual(chat.status, 1)
        XCTAssertTrue(chat.stderr.contains("outside the model's 128 logit columns"), chat.stderr)
    }

    func testBadFlagsAndCombinationsGiveOneLineAndExitOne() throws {
        let cases: [([String], String)] = [
            (["--prompt-ids", "1,x"], "--prompt-ids"),
            (["--prompt-ids", "1,2", "--k", "2", "--eb", "1"], "--k and --eb"),
            (["--prompt-ids", "1,2", "--order", "sideways"], "--order sideways"),
            (["--prompt-ids", "1,2", "--gen-length", "8", "--block", "3"], "block length 3"),
            (["--prompt-ids", "1,2", "--gen-length", "8", "--block", "2", "--steps", "6"], "multiple of the 4 blocks"),
            (["--prompt", "hi"], "no tokenizer.json"),
            (["--prompt-ids", "1,2", "--prompt", "hi"], "exactly one of"),
            (["--prompt-ids", "1,2", "--threshold", "1.5"], "threshold 1.5"),
            (["--prompt-ids", "1,127"], "mask id 127"),
        ]
        for (arguments, detail) in cases {
            let result = try DscopeBinary.run(["decode", "--model", model] + arguments)
            XCTAssertEqual(result.status, 1, arguments.joined(separator: " "))
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(detail), result.stderr)
        }
    }

    func testBenchDecodeEndsWithTheOverheadFraction() throws {
        let result = try DscopeBinary.run(["bench", "decode", "--model", model, "--gen-length", "8", "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("overhead="), last)
        let fraction = try XCTUnwrap(Double(last.dropFirst("overhead=".count)), last)
        XCTAssertTrue((0...1).contains(fraction), last)
    }
}

/// prompt + generation beyond the model's context (llada-tiny: max_sequence_length 96).
final class ContextLengthCommandTests: XCTestCase {
    private let model = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DecoderTests/Fixtures/llada-tiny").path

    func testADecodeBeyondTheContextIsRefusedInOneLine() throws {
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", "1,2,3", "--gen-length", "96"])
        XCTAssertEqual(result.status, 1, result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        for words in ["3 tokens", "= 99 positions", "context of 96", "--allow-beyond-context"] {
            XCTAssertTrue(result.stderr.contains(words), result.stderr)
        }
    }

    func testAllowBeyondContextDecodesWithAWarning() throws {
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", "1,2,3", "--gen-length", "96",
                                           "--steps", "4", "--allow-beyond-context"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("warning: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("context of 96"), result.stderr)
    }
}
