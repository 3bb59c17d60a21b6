import Foundation
import XCTest

/// `dscope passk`, `passk merge`, `analyze` and `tradeoff` as a user runs them, on the decoder's
/// tiny random checkpoint with a byte-level tokenizer (its answers are noise; the machinery is not).
final class MeasurementCommandTests: XCTestCase {
    private var folder: URL!
    private var model: String { folder.appendingPathComponent("model").path }
    private var tasks: String { folder.appendingPathComponent("tasks.jsonl").path }
    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    /// The test's environment without any scheduler's shard variables, plus `extra`.
    private func environment(_ extra: [String: String] = [:]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SLURM_ARRAY") && !$0.key.hasPrefix("JOB_COMPLETION") }
            .merging(extra) { _, new in new }
    }

    private func dscope(_ arguments: [String], _ extra: [String: String] = [:]) throws -> DscopeBinary.Result {
        try DscopeBinary.run(arguments, environment: environment(extra))
    }

    private var passk: [String] {
        ["passk", "--model", model, "--tasks", tasks, "--no-chat", "--gen-length", "8", "--n", "3", "--k", "1,3", "--threads", "1"]
    }

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-\(UUID().uuidString)")
        let modelFolder = folder.appendingPathComponent("model")
        try FileManager.default.createDirectory(at: modelFolder, withIntermediateDirectories: true)
        let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        let checkpoint = tests.appendingPathComponent("DecoderTests/Fixtures/llada-tiny")
        let tokenizer = tests.appendingPathComponent("ModelsTests/Fixtures/tokenizers/digits-bytelevel")
        for (source, name) in [(checkpoint, "config.json"), (checkpoint, "model.safetensors"),
                               (tokenizer, "tokenizer.json"), (tokenizer, "tokenizer_config.json")] {
            try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: modelFolder.appendingPathComponent(name))
        }
        let lines = (0..<4).map { #"{"id": "t\#($0)", "prompt": "\#($0)+\#($0)=", "answer": \#($0 * 2)}"# }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: tasks))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func samples(_ file: String) throws -> [[String: AnyHashable]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        return (json?["samples"] as? [[String: Any]] ?? []).map { sample in
            sample.filter { $0.key != "decode_ms" }.compactMapValues { $0 as? AnyHashable }
        }
    }

    func testPassKPrintsTheReportWritesResultsAndResumes() throws {
        let first = try dscope(passk + ["--out", path("r.json")])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertTrue(first.stdout.hasPrefix("pass@k over 4 tasks × 3 samples per order\n"), first.stdout)
        XCTAssertTrue(first.stdout.contains("k  ar [95% CI]"), first.stdout)
        XCTAssertTrue(first.stdout.contains("● ar  ■ confidence"), first.stdout)
        XCTAssertEqual(first.stderr, "", "no progress line when stderr is not a terminal")
        let written = try samples(path("r.json"))
        XCTAssertEqual(written.count, 4 * 3 * 2)

        let again = try dscope(passk + ["--out", path("r.json")])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(again.stderr, "resuming \(path("r.json")): 24 samples done, 0 to go\n")
        XCTAssertEqual(try samples(path("r.json")), written)
        XCTAssertEqual(again.stdout, first.stdout)
    }

    func testShardsFromFlagsOrSlurmMergeIntoTheSingleRunsResult() throws {
        XCTAssertEqual(try dscope(passk + ["--out", path("single.json")]).status, 0)
        let flag = try dscope(passk + ["--out", path("s0.json"), "--shard", "0/2"])
        XCTAssertEqual(flag.status, 0, flag.stderr)
        let slurm = try dscope(passk + ["--out", path("s1.json")],
                               ["SLURM_ARRAY_TASK_ID": "2", "SLURM_ARRAY_TASK_MIN": "1", "SLURM_ARRAY_TASK_COUNT": "2"])
        XCTAssertEqual(slurm.status, 0, slurm.stderr)
        XCTAssertTrue(slurm.stdout.contains("(shards 1/2)"), slurm.stdout)
        XCTAssertEqual(try samples(path("s1.json")).count, 2 * 3 * 2)
        let explicit = try dscope(passk + ["--out", path("s0.json"), "--shard", "0/2"], ["JOB_COMPLETION_INDEX": "1"])
        XCTAssertEqual(explicit.status, 0, "an explicit --shard wins over the environment: \(explicit.stderr)")

        let merged = try dscope(["passk", "merge", path("s1.json"), path("s0.json"), "--out", path("merged.json")])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertTrue(merged.stdout.hasSuffix("merged 2 files into \(path("merged.json"))\n"), merged.stdout)
        XCTAssertEqual(try samples(path("merged.json")), try samples(path("single.json")))
    }

    func testKeptTranscriptsFeedAnalyzeWithCSVAndJSON() throws {
        let run = try dscope(passk + ["--out", path("r.json"), "--limit", "2", "--keep-transcripts", path("transcripts")])
        XCTAssertEqual(run.status, 0, run.stderr)
        let names = try FileManager.default.contentsOfDirectory(atPath: path("transcripts")).sorted()
        XCTAssertEqual(names.count, 2 * 3 * 2)
        XCTAssertEqual(names.first, "t0.ar.0.jsonl")

        let analyze = try dscope(["analyze", path("transcripts"), "--by-token", "--csv", path("c.csv"), "--json", path("a.json")])
        XCTAssertEqual(analyze.status, 0, analyze.stderr)
        XCTAssertTrue(analyze.stdout.hasPrefix("12 transcripts\n"), analyze.stdout)
        XCTAssertTrue(analyze.stdout.contains("\nar "), analyze.stdout)
        XCTAssertTrue(analyze.stdout.contains("entropy at commit, confidence"), analyze.stdout)
        XCTAssertTrue(analyze.stdout.contains("most bypassed tokens under confidence"), analyze.stdout)
        let rows = try String(contentsOfFile: path("c.csv"), encoding: .utf8).components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 1 + 12 * 8, "a header and one row per committed position")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("a.json")))) as? [String: Any]
        XCTAssertEqual((json?["groups"] as? [[String: Any]])?.map { $0["label"] as? String }, ["ar", "confidence"])
    }

    func testTradeoffPrintsAccuracyAndForwardPassesPerTokenForEachValue() throws {
        let result = try dscope(["tradeoff", "--model", model, "--tasks", tasks, "--no-chat", "--gen-length", "8",
                                 "--rule", "k", "--values", "1,2,4", "--threads", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[0], "confidence order, 4 tasks, 8 positions, temperature 0")
        XCTAssertEqual(lines[1], "k  tasks  accuracy  forward passes/token  tokens/forward  s/task")
        XCTAssertTrue(lines[3].hasPrefix("1      4"), lines[3])
        XCTAssertTrue(lines[3].contains("1.000            1.00"), lines[3])
        XCTAssertTrue(lines[4].contains("0.500            2.00"), lines[4])
        XCTAssertTrue(lines[5].contains("0.250            4.00"), lines[5])
        XCTAssertTrue(result.stdout.contains("● accuracy (k = 1, 2, 4)"), result.stdout)
    }

    /// More tasks (a longer --limit) or more samples (a larger --n) grow an existing results
    /// file: the samples it holds stay, only the new ones are decoded.
    func testPassKGrowsAnExistingRunWithMoreTasksOrSamples() throws {
        XCTAssertEqual(try dscope(passk + ["--out", path("g.json"), "--limit", "2"]).status, 0)
        let before = try samples(path("g.json"))
        XCTAssertEqual(before.count, 2 * 3 * 2)
        let grown = try dscope(passk.map { $0 == "3" ? "4" : $0 } + ["--out", path("g.json"), "--limit", "3"])
        XCTAssertEqual(grown.status, 0, grown.stderr)
        XCTAssertTrue(grown.stderr.contains("growing"), grown.stderr)
        XCTAssertTrue(grown.stdout.hasPrefix("pass@k over 3 tasks × 4 samples per order"), grown.stdout)
        let after = try samples(path("g.json"))
        XCTAssertEqual(after.count, 3 * 4 * 2)
        XCTAssertTrue(before.allSatisfy(after.contains), "the earlier samples are kept as they were")
    }

    func testTradeoffWritesJSONAndCSV() throws {
        let base = ["tradeoff", "--model", model, "--tasks", tasks, "--no-chat", "--gen-length", "8", "--rule", "k",
                    "--values", "1,2,4", "--threads", "1"]
        let json = try dscope(base + ["--json"])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["rule"] as? String, "k")
        let points = try XCTUnwrap(object["points"] as? [[String: Any]])
        XCTAssertEqual(points.map { $0["value"] as? Double }, [1, 2, 4])
        XCTAssertEqual(points.map { $0["tokens_per_forward"] as? Double }, [1, 2, 4])
        let csv = try dscope(base + ["--csv"])
        XCTAssertEqual(csv.status, 0, csv.stderr)
        let rows = csv.stdout.split(separator: "\n")
        XCTAssertEqual(rows.first, "value,tasks,correct,accuracy,forward_passes,positions,forward_passes_per_token,tokens_per_forward,decode_ms")
        XCTAssertEqual(rows.count, 4)
        XCTAssertTrue(rows[3].hasPrefix("4,4,"), String(rows[3]))
    }

    func testMistakesGiveOneLineAndExitOne() throws {
        XCTAssertEqual(try dscope(passk + ["--out", path("r.json"), "--limit", "1"]).status, 0)
        let cases: [([String], String)] = [
            (passk + ["--out", path("r.json"), "--limit", "1", "--n", "2", "--k", "1"], "holds another experiment (its n setting is not this run's)"),
            (passk + ["--out", path("r.json"), "--limit", "1", "--shard", "0/2"], "holds another shard"),
            (passk + ["--out", path("x.json"), "--k", "4"], "--k 4: give whole numbers from 1 to n = 3"),
            (passk + ["--out", path("x.json"), "--order", "ar"], "not --order"),
            (passk + ["--out", path("x.json"), "--orders", "ar,sideways"], "--order sideways"),
            (passk + ["--out", path("x.json"), "--shard", "2/2"], "shard 2/2"),
            (passk + ["--out", path("x.json"), "--tasks", path("none.jsonl")], "cannot read the task file"),
            (["passk", "merge", path("none.json"), "--out", path("m.json")], "cannot read the results file"),
            (["analyze", path("none.jsonl")], "no such file or folder"),
            (["tradeoff", "--model", model, "--tasks", tasks, "--rule", "k", "--values", "1,1.5"], "whole numbers of tokens per step"),
            (["tradeoff", "--model", model, "--tasks", tasks, "--rule", "sideways", "--values", "1"], "--rule sideways"),
            (["tradeoff", "--model", model, "--tasks", tasks, "--rule", "eb", "--values", "1", "--eb", "2"], "--eb: tradeoff sets"),
        ]
        for (arguments, detail) in cases {
            let result = try dscope(arguments)
            XCTAssertEqual(result.status, 1, arguments.joined(separator: " "))
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(detail), "\(detail) not in \(result.stderr)")
        }
    }
}
