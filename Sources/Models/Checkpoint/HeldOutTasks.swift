import Foundation

/// A task the model was not trained on, from its folder's `heldout.jsonl`
/// (`{"id": …, "prompt": …, "answer": …}` per line): what the TUI's `t` key decodes.
public struct HeldOutTask: Equatable, Sendable {
    public var id: String
    public var prompt: String
    /// As written in the file (the bundled model's answers are integers).
    public var answer: String
}

extension ModelLocation {
    /// The folder's held-out tasks; none when it has no heldout.jsonl.
    public func heldOutTasks() throws -> [HeldOutTask] {
        let path = file("heldout.jsonl")
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n").filter { !$0.allSatisfy(\.isWhitespace) }
        return try lines.enumerated().map { index, line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any],
                  let prompt = object["prompt"] as? String, let answer = object["answer"] else {
                throw ModelError.unreadable(path: path, reason: "line \(index + 1) is not a {\"id\", \"prompt\", \"answer\"} object")
            }
            return HeldOutTask(id: object["id"].map { "\($0)" } ?? "line \(index + 1)", prompt: prompt, answer: "\(answer)")
        }
    }
}
