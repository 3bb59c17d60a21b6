import Foundation
import XCTest

final class TokenizeCommandTests: XCTestCase {
    private func fixture(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures/tokenizers").appendingPathComponent(relative).path
    }

    func testPrintsIdsAsOneJSONArrayLine() throws {
        let result = try DscopeBinary.run(["tokenize", "--model", fixture("digits-bytelevel"), "I have 12 apples."])
        XCTAssertEqual(result.status, 0, result.stderr)
        let lines = result.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 1)
        let ids = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [Int]
        XCTAssertFalse(ids?.isEmpty ?? true)
    }

    /// As decode does, the chat template is the default; --no-chat gives the bare text.
    func testChatWrapsTheQuestionInTheTemplateByDefault() throws {
        let plain = try DscopeBinary.run(["tokenize", "--model", fixture("digits-bytelevel"), "--no-chat", "2+2?"])
        let chat = try DscopeBinary.run(["tokenize", "--model", fixture("digits-bytelevel"), "2+2?"])
        XCTAssertEqual(chat.status, 0, chat.stderr)
        XCTAssertGreaterThan(chat.stdout.count, plain.stdout.count)
    }

    func testGGUFFileTokenizesLikeTheFolderItWasConvertedFrom() throws {
        let gguf = fixture("../gguf-llada-q8_0/model.gguf")
        for extra in [["--no-chat"], []] {
            let fromFolder = try DscopeBinary.run(["tokenize", "--model", fixture("digits-bytelevel")] + extra + ["I have 12 apples."])
            let fromGGUF = try DscopeBinary.run(["tokenize", "--model", gguf] + extra + ["I have 12 apples."])
            XCTAssertEqual(fromGGUF.status, 0, fromGGUF.stderr)
            XCTAssertEqual(fromGGUF.stdout, fromFolder.stdout)
        }
    }

    func testWithoutModelItTokenizesWithTheBundledModelAsDecodeWould() throws {
        let bundled = try DscopeBinary.run(["tokenize", "What is 2+3?"])
        XCTAssertEqual(bundled.status, 0, bundled.stderr)
        let named = try DscopeBinary.run(["tokenize", "--model", "tiny-arith", "--chat", "What is 2+3?"])
        XCTAssertEqual(bundled.stdout, named.stdout)
        XCTAssertTrue(bundled.stdout.hasPrefix("["), bundled.stdout)
    }

    func testMissingTokenizerIsOneErrorLineWithExitOne() throws {
        let result = try DscopeBinary.run(["tokenize", "--model", fixture("no-such-tokenizer"), "x"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("no-such-tokenizer"), result.stderr)
    }
}
