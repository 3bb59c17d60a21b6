import Foundation
import XCTest

/// Names and strings from files reach stdout and stderr escaped and cut: a hostile file cannot send
/// escape sequences to the user's terminal or flood it.
final class FileTextOnTerminalTests: XCTestCase {
    private let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ModelsTests/Fixtures")

    private func scratchFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-text-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return folder
    }

    private func assertNoControlBytes(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let controls = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
        XCTAssertEqual(controls.map(\.value), [], text.prefix(300).debugDescription, file: file, line: line)
    }

    func testInspectPrintsAHostileGGUFNameEscaped() throws {
        var bytes = try Data(contentsOf: fixtures.appendingPathComponent("gguf-llada-q4_0/model.gguf"))
        let original = Data("dscope fixture llada Q4_0".utf8)
        let hostile = Data("\u{1B}]0;owned\u{07}\u{1B}[2J\u{9B}1m\0xxxxxx".utf8)
        XCTAssertEqual(hostile.count, original.count)
        let range = try XCTUnwrap(bytes.range(of: original))
        bytes.replaceSubrange(range, with: hostile)
        let file = try scratchFolder().appendingPathComponent("model.gguf")
        try bytes.write(to: file)

        let result = try DscopeBinary.run(["inspect", file.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains(#"name          \u{1B}]0;owned\u{7}\u{1B}[2J\u{9B}1m\0xxxxxx"#), result.stdout)
        assertNoControlBytes(result.stdout)
    }

    func testAnErrorQuotingAHugePatternIsOneShortEscapedLine() throws {
        let folder = try scratchFolder()
        let source = fixtures.appendingPathComponent("tokenizers/llama3-split/tokenizer.json")
        var json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: source)) as? [String: Any])
        let pattern = "\u{1B}]0;owned\u{07}\0" + String(repeating: "a", count: 200_000) + "(?<=x)"
        json["pre_tokenizer"] = ["type": "Sequence", "pretokenizers": [
            ["type": "Split", "pattern": ["Regex": pattern], "behavior": "Isolated", "invert": false],
            ["type": "ByteLevel", "add_prefix_space": false, "use_regex": false],
        ]]
        try JSONSerialization.data(withJSONObject: json).write(to: folder.appendingPathComponent("tokenizer.json"))

        let result = try DscopeBinary.run(["tokenize", "--model", folder.path, "hi"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1)
        XCTAssertLessThan(result.stderr.count, 2_100)
        XCTAssertTrue(result.stderr.contains(#"\u{1B}]0;owned\u{7}\0aaa"#), String(result.stderr.prefix(300)))
        XCTAssertTrue(result.stderr.contains("(200017 characters)"), result.stderr)
        XCTAssertTrue(result.stderr.contains("lookbehind is not supported"), result.stderr)
        assertNoControlBytes(result.stderr)
    }
}
