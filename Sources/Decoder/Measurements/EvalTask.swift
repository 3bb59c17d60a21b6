import Foundation
import Models

/// One evaluation task: a question for the model and the reference answer a checker compares with.
public struct EvalTask: Equatable, Sendable {
    public var id: String
    public var prompt: String
    /// The reference answer as text; a JSON number is kept as written (16 → "16").
    public var answer: String

    public init(id: String, prompt: String, answer: String) {
        self.id = id
        self.prompt = prompt
        self.answer = answer
    }
}

/// Task files: JSON Lines, one `{"id", "prompt", "answer"}` object per line (the bundled model's
/// heldout.jsonl is one). Blank lines are skipped; ids must be unique.
public enum TaskFile {
    public static func read(path: String) throws -> [EvalTask] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw TaskFileError.unreadable(path: path)
        }
        return try parse(String(decoding: data, as: UTF8.self), path: path)
    }

    public static func parse(_ text: String, path: String) throws -> [EvalTask] {
        var tasks: [EvalTask] = []
        var firstLineOfId: [String: Int] = [:]
        for (offset, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            guard !line.allSatisfy(\.isWhitespace) else { continue }
            let task = try parseLine(line, number: number, path: path)
            if let first = firstLineOfId[task.id] {
                throw TaskFileError.duplicateId(path: path, line: number, id: task.id, firstLine: first)
            }
            firstLineOfId[task.id] = number
            tasks.append(task)
        }
        guard !tasks.isEmpty else { throw TaskFileError.empty(path: path) }
        return tasks
    }

    private static func parseLine(_ line: Substring, number: Int, path: String) throws -> EvalTask {
        func fail(_ problem: String) -> TaskFileError { .badLine(path: path, line: number, problem: problem) }
        let fields: TaskLine
        do {
            fields = try JSONDecoder().decode(TaskLine.self, from: Data(line.utf8))
        } catch let DecodingError.keyNotFound(key, _) {
            throw fail("\"\(key.stringValue)\" is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw fail("\"\(context.codingPath.first?.stringValue ?? "?")\" must be \(TaskLine.expected(context.codingPath.first))")
        } catch let DecodingError.valueNotFound(_, context) {
            throw fail("\"\(context.codingPath.first?.stringValue ?? "?")\" is null")
        } catch {
            throw fail("not a JSON object")
        }
        guard !fields.id.text.isEmpty else { throw fail("\"id\" is empty") }
        guard !fields.prompt.isEmpty else { throw fail("\"prompt\" is empty") }
        return EvalTask(id: fields.id.text, prompt: fields.prompt, answer: fields.answer.text)
    }
}

/// The JSON of one line; ids and answers may be strings or numbers.
private struct TaskLine: Decodable {
    var id: TextOrNumber
    var prompt: String
    var answer: TextOrNumber

    static func expected(_ key: CodingKey?) -> String {
        key?.stringValue == "prompt" ? "a string" : "a string or a number"
    }
}

private struct TextOrNumber: Decodable {
    var text: String

    init(from decoder: Decoder) throws {
        let value = try decoder.singleValueContainer()
        if let string = try? value.decode(String.self) {
            text = string
        } else if let integer = try? value.decode(Int.self) {
            text = String(integer)
        } else {
            text = String(try value.decode(Double.self))
        }
    }
}

public enum TaskFileError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case empty(path: String)
    case badLine(path: String, line: Int, problem: String)
    case duplicateId(path: String, line: Int, id: String, firstLine: Int)

    private static let shape = #"each line is {"id": "…", "prompt": "…", "answer": "…" or a number}"#

    /// Values read from files are escaped and the message cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case let .unreadable(path):
            return "\(path): cannot read the task file; check the path (\(Self.shape))"
        case let .empty(path):
            return "\(path): no tasks; \(Self.shape)"
        case let .badLine(path, line, problem):
            return "\(path):\(line): \(problem); \(Self.shape)"
        case let .duplicateId(path, line, id, firstLine):
            return "\(path):\(line): id \"\(id)\" already used on line \(firstLine); give every task its own id"
        }
    }
}
