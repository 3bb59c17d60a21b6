import Foundation
import XCTest

/// `dscope export` (headless) and the scope commands' refusal to run without a terminal.
final class ExportCommandTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-export-cli-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func export(_ extra: [String]) throws -> [String] {
        let result = try DscopeBinary.run(["export", "--export-dir", folder.path, "--size", "80x24"] + extra)
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func testExportDecodesTheBundledModelAndPrintsTheThreeFiles() throws {
        let paths = try export(["--prompt", "Tom has 3 apples. He buys 2 more. How many apples does Tom have?", "--gen-length", "16"])
        XCTAssertEqual(paths.map { ($0 as NSString).pathExtension }, ["jsonl", "md", "cast"])
        for path in paths { XCTAssertTrue(FileManager.default.fileExists(atPath: path), path) }
        let lines = try String(contentsOfFile: paths[0], encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 16 + 2, "16 one-token steps between header and summary")
        let cast = try String(contentsOfFile: paths[2], encoding: .utf8)
        XCTAssertTrue(cast.hasPrefix("{\"version\": 2, \"width\": 80, \"height\": 24"), String(cast.prefix(80)))
        XCTAssertEqual(cast.components(separatedBy: ", \"m\", ").count - 1, 16)
    }

    func testCompareWritesOneTranscriptPerOrder() throws {
        let paths = try export(["--compare", "--gen-length", "8"])
        XCTAssertEqual(paths.filter { $0.hasSuffix("-1-ar.jsonl") || $0.hasSuffix("-2-confidence.jsonl") }.count, 2, "\(paths)")
    }

    func testATranscriptExportsWithoutTheModel() throws {
        let decoded = try export(["--gen-length", "8"])
        let again = try export(["--from", decoded[0], "--model", "/no/such/model"])
        XCTAssertEqual(again.count, 3)
        XCTAssertEqual(try String(contentsOfFile: again[0], encoding: .utf8), try String(contentsOfFile: decoded[0], encoding: .utf8))
    }

    func testReplayOfAMissingOrBrokenFileNamesTheFileEvenWithoutATerminal() throws {
        let missing = try DscopeBinary.run(["replay", "/no/such/run.jsonl"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.hasPrefix("error: cannot read transcript /no/such/run.jsonl"), missing.stderr)
        let broken = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-broken-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: broken) }
        try Data("{\"a\": 1}\n".utf8).write(to: broken)
        for arguments in [["replay", broken.path], ["export", "--from", broken.path]] {
            let result = try DscopeBinary.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments)")
            XCTAssertTrue(result.stderr.hasPrefix("error: \(broken.path): transcript line 1"), result.stderr)
        }
    }

    func testExportFromATranscriptRefusesTheFlagsThatWouldChangeTheDecode() throws {
        for flag in [["--compare"], ["--order", "ar"]] {
            let result = try DscopeBinary.run(["export", "--from", "any.jsonl"] + flag)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.hasPrefix("error: --from any.jsonl re-exports a recorded decode, so \(flag[0]) cannot apply"),
                          result.stderr)
        }
    }

    func testAnExportFolderThatCannotBeMadeIsAOneLineError() throws {
        let result = try DscopeBinary.run(["export", "--gen-length", "8", "--export-dir", "/dev/null/exports"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: /dev/null/exports: cannot create it"), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
    }

    func testTheScopeOnAPipeSaysToUseDecodeAndFails() throws {
        let transcript = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-pipe-\(UUID().uuidString).jsonl")
        defer { try? FileManager.default.removeItem(at: transcript) }
        let decoded = try DscopeBinary.run(["decode", "--prompt", "2+3?", "--gen-length", "4", "--transcript", transcript.path])
        XCTAssertEqual(decoded.status, 0, decoded.stderr)
        for arguments in [[], ["replay", transcript.path]] {
            let result = try DscopeBinary.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments)")
            XCTAssertTrue(result.stderr.contains("needs a terminal") && result.stderr.contains("dscope decode"), result.stderr)
            XCTAssertEqual(result.stderr.split(separator: "\n").count, 1)
        }
    }
}
