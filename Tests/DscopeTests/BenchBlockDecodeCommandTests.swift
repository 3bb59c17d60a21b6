import Foundation
import XCTest

/// `dscope bench decode` on the block-diffusion fixtures: a whole decode through the family's
/// official loop, its forwards counted by kind exactly as `dscope decode --json` (BlockDecode.run)
/// reports them. Times are printed, never checked.
final class BenchBlockDecodeCommandTests: XCTestCase {
    /// The forwards of one decode by kind, from `decode --json`'s step trace.
    private func decodedKinds(_ arguments: [String]) throws -> [String: Int] {
        let result = try DscopeBinary.run(["decode"] + arguments + ["--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as! [String: Any]
        var kinds: [String: Int] = [:]
        for step in object["steps"] as! [[String: Any]] { kinds[step["kind"] as! String, default: 0] += 1 }
        return kinds
    }

    /// The bench's "forwards N per decode: a prefill, b denoise, c post, d store, …" line.
    private func benchedKinds(_ stdout: String) throws -> (total: Int, kinds: [String: Int]) {
        let line = try XCTUnwrap(stdout.split(separator: "\n").first { $0.hasPrefix("forwards ") }, stdout)
        let parts = line.split(separator: ":", maxSplits: 1)
        let total = Int(parts[0].split(separator: " ")[1])!
        var kinds: [String: Int] = [:]
        for item in parts[1].split(separator: ",") {
            let words = item.split(separator: " ")
            if let count = Int(words[0]), words.count == 2, count > 0 { kinds[String(words[1])] = count }
        }
        return (total, kinds)
    }

    private func check(_ fixture: String, maskId: Int, _ arguments: [String], expectedKinds: Set<String>,
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let model = try blockFixture(fixture, maskId: maskId)
        let flags = ["--model", model] + arguments
        let result = try DscopeBinary.run(["bench", "decode"] + flags + ["--threads", "1", "--repeats", "2"])
        XCTAssertEqual(result.status, 0, result.stderr, file: file, line: line)
        let expected = try decodedKinds(flags)
        let benched = try benchedKinds(result.stdout)
        XCTAssertEqual(benched.kinds, expected, file: file, line: line)
        XCTAssertEqual(benched.total, expected.values.reduce(0, +), file: file, line: line)
        XCTAssertEqual(Set(expected.keys), expectedKinds, file: file, line: line)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("decode \(model): ") && lines[0].contains("blocks, vocabulary 288, prompt"), lines[0],
                      file: file, line: line)
        // One median line per kind the decode ran, then the decoder's share and the speed.
        for kind in expected.keys {
            XCTAssertTrue(lines.contains { $0.hasPrefix(kind.padding(toLength: 11, withPad: " ", startingAt: 0)) && $0.contains("ms  median of \(2 * expected[kind]!)") },
                          "\(kind) in \(result.stdout)", file: file, line: line)
        }
        for prefix in ["overhead   ", "tokens/s   ", "overhead="] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(prefix) }, "\(prefix) in \(result.stdout)", file: file, line: line)
        }
        XCTAssertFalse(result.stdout.contains("extrapolated"), "a checkpoint is timed at its own depth", file: file, line: line)
    }

    func testSDARBenchCountsTheLoopsForwardsByKind() throws {
        try check("sdar-tiny", maskId: 287, ["--prompt-ids", "24,151,24,207,222,9,31,77", "--gen-length", "16"],
                  expectedKinds: ["prefill", "denoise", "store"])
    }

    func testFastDLLMv2BenchCountsTheLoopsForwardsByKind() throws {
        try check("fastdllm-v2-tiny", maskId: 286, ["--prompt-ids", "79,218,41,187,129,199,118", "--gen-length", "24",
                                                    "--sub-block", "4", "--threshold", "0.9"],
                  expectedKinds: ["denoise", "store"])
    }

    func testLLaDA2BenchCountsItsEditingPostSteps() throws {
        try check("llada2-tiny", maskId: 285, ["--prompt-ids", "24,151,24,207,222", "--gen-length", "24", "--block", "8",
                                               "--steps-per-block", "4", "--threshold", "0.95", "--edit-threshold", "0.3",
                                               "--post-steps", "3"],
                  expectedKinds: ["denoise", "post", "store"])
    }

    func testSyntheticWeightsAreTimedAndExtrapolatedToTheFullDepth() throws {
        let result = try DscopeBinary.run(["bench", "decode", "--synthetic", "sdar-1.7b", "--layers", "1", "--gen-length", "8",
                                           "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("decode synthetic sdar-1.7b (random bf16 weights): 1 blocks, vocabulary 151936, prompt 16 + 8 generated, block 4"), lines[0])
        // The 16-id prompt is 4 whole blocks (one prefill); the 8 generated positions are 2 blocks, each stored.
        let benched = try benchedKinds(result.stdout)
        XCTAssertEqual(benched.kinds["prefill"], 1)
        XCTAssertEqual(benched.kinds["store"], 2)
        XCTAssertEqual(benched.total, benched.kinds.values.reduce(0, +))
        for kind in ["prefill", "denoise", "store"] {
            XCTAssertTrue(lines.contains { $0.hasPrefix(kind) && $0.hasSuffix("ms extrapolated to 28 blocks") }, "\(kind) in \(result.stdout)")
        }
        XCTAssertTrue(lines.contains { $0.hasPrefix("tokens/s") && $0.contains("extrapolated to 28 blocks") }, result.stdout)
        XCTAssertTrue(lines.contains { $0.hasPrefix("note: random weights") }, result.stdout)
    }

    func testSyntheticIsOnlyForBlockModels() throws {
        let result = try DscopeBinary.run(["bench", "decode", "--synthetic", "llada-8b"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("--synthetic llada-8b: bench decode times block models"), result.stderr)
    }

    func testWholeCanvasFlagsAreRefusedForABlockModel() throws {
        let model = try blockFixture("sdar-tiny", maskId: 287)
        let result = try DscopeBinary.run(["bench", "decode", "--model", model, "--k", "2"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.contains("--k is not a setting of the block-diffusion loops"), result.stderr)
    }
}
