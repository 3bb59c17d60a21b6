import Decoder

/// What the scope says about a held-out task: its expected answer while decoding, and once the
/// decode is complete the answer found in the text (`AnswerChecker.auto`, as pass@k grades) with
/// ✓ or ✗.
enum TaskVerdict {
    static func text(task: EvalTask, finalText: String?) -> String {
        guard let finalText else { return "task \(task.id) · expected \(task.answer)" }
        let check = AnswerChecker.auto.check(finalText, answer: task.answer)
        guard let found = check.extracted else { return "✗ no answer stated · expected \(task.answer)" }
        return check.correct ? "answer \(found) ✓" : "answer \(found) ✗ · expected \(task.answer)"
    }
}
