import XCTest
@testable import Decoder

final class TaskFileTests: XCTestCase {
    func testReadsStringAndNumberAnswersAndSkipsBlankLines() throws {
        let tasks = try TaskFile.parse("""
            {"id": "a", "prompt": "1+1?", "answer": 2}

            {"id": 7, "prompt": "Capital of France?", "answer": "Paris"}
            {"id": "c", "prompt": "half of 5?", "answer": 2.5}

            """, path: "t.jsonl")
        XCTAssertEqual(tasks, [EvalTask(id: "a", prompt: "1+1?", answer: "2"),
                               EvalTask(id: "7", prompt: "Capital of France?", answer: "Paris"),
                               EvalTask(id: "c", prompt: "half of 5?", answer: "2.5")])
    }

    /// Every task file shipped beside the bundled model reads as a plain JSON reader reads it, line
    /// by line (whichever export ships: the files come from tools/data/).
    func testTheBundledTaskFilesParseAsJSONLines() throws {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Models/Resources/tiny-arith")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".jsonl") }
        XCTAssertTrue(files.contains("heldout.jsonl"), "\(files)")
        for name in files {
            let path = folder.appendingPathComponent(name).path
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
                .filter { !$0.allSatisfy(\.isWhitespace) }
            let expected = try lines.map { line -> EvalTask in
                let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let answer = try XCTUnwrap(object["answer"] as? NSNumber, "\(name): \(line)")
                return EvalTask(id: try XCTUnwrap(object["id"] as? String), prompt: try XCTUnwrap(object["prompt"] as? String),
                                answer: answer.stringValue)
            }
            XCTAssertFalse(expected.isEmpty, name)
            XCTAssertEqual(try TaskFile.read(path: path), expected, name)
        }
    }

    func testErrorsNameTheFileTheLineAndTheProblem() {
        let cases: [(String, TaskFileError)] = [
            ("{\"id\": \"a\", \"prompt\": \"p\", \"answer\": 1}\nnot json", .badLine(path: "t.jsonl", line: 2, problem: "not a JSON object")),
            ("{\"id\": \"a\", \"prompt\": \"p\"}", .badLine(path: "t.jsonl", line: 1, problem: "\"answer\" is missing")),
            ("{\"id\": \"a\", \"prompt\": 3, \"answer\": 1}", .badLine(path: "t.jsonl", line: 1, problem: "\"prompt\" must be a string")),
            ("{\"id\": \"a\", \"prompt\": \"p\", \"answer\": true}", .badLine(path: "t.jsonl", line: 1, problem: "\"answer\" must be a string or a number")),
            ("{\"id\": \"\", \"prompt\": \"p\", \"answer\": 1}", .badLine(path: "t.jsonl", line: 1, problem: "\"id\" is empty")),
            ("{\"id\": \"a\", \"prompt\": \"p\", \"answer\": 1}\n\n{\"id\": \"a\", \"prompt\": \"q\", \"answer\": 2}",
             .duplicateId(path: "t.jsonl", line: 3, id: "a", firstLine: 1)),
            ("\n  \n", .empty(path: "t.jsonl")),
        ]
        for (text, expected) in cases {
            XCTAssertThrowsError(try TaskFile.parse(text, path: "t.jsonl")) { error in
                XCTAssertEqual(error as? TaskFileError, expected)
                XCTAssertTrue("\(error)".hasPrefix("t.jsonl"), "\(error)")
            }
        }
        XCTAssertThrowsError(try TaskFile.read(path: "/nonexistent/tasks.jsonl")) { error in
            XCTAssertEqual(error as? TaskFileError, .unreadable(path: "/nonexistent/tasks.jsonl"))
        }
    }
}
