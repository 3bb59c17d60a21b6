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

    func testTheBundledHeldOutTasksParse() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Models/Resources/tiny-arith/heldout.jsonl")
        let tasks = try TaskFile.read(path: url.path)
        XCTAssertEqual(tasks.count, 300)
        XCTAssertEqual(tasks.first?.id, "heldout-000")
        XCTAssertEqual(tasks.first?.answer, "20")
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
