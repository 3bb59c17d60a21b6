import Decoder
import Foundation

/// The export's human-readable part: per decode the prompt, the settings (and any branch), the
/// final text, and a table of every position with the step that committed it (the step map),
/// its entropy and its confidence at that step's forward.
enum MarkdownSummary {
    static func render(_ panes: [ExportPane], exportedAt date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        var text = "# DiffusionScope decode\n\nExported \(formatter.string(from: date))"
        text += panes.first.map { " by \($0.transcript.header.tool)." } ?? "."
        text += panes.count > 1 ? " Compare mode: \(panes.count) decodes of the same prompt, stepped in lockstep.\n" : "\n"
        for (index, pane) in panes.enumerated() {
            let heading = panes.count > 1 ? "## \(index + 1). order \(pane.title)\n\n" : ""
            text += "\n" + heading + section(pane.transcript, level: panes.count > 1 ? "###" : "##")
        }
        return text
    }

    private static func section(_ transcript: Transcript, level: String) -> String {
        let header = transcript.header, summary = transcript.summary
        let length = header.generationLength
        let pieces = transcript.tokenText
        let prompt = header.promptText ?? pieces?.text(header.promptIds) ?? header.promptIds.map(String.init).joined(separator: ",")
        var rows: [(String, String)] = [
            ("model", "`\(header.model.id)` (config \(header.model.configHash))"),
            ("generation length", "\(length)"),
            ("settings", header.settings.label(generationLength: length)),
            ("temperature · seed", "\(header.settings.temperature) · \(header.settings.seed)"),
        ]
        for (index, step) in transcript.steps.enumerated().dropFirst() where step.settings != transcript.steps[index - 1].settings {
            rows.append(("branch after step \(index)", step.settings.changes(from: transcript.steps[index - 1].settings,
                                                                            generationLength: length)))
        }
        if let taskId = header.taskId {
            rows.append(("held-out task", "`\(taskId)`"))
            if let expected = header.expectedAnswer {
                rows.append(("expected answer", expected))
                if summary.complete, let text = summary.text {
                    rows.append(("answer found", TaskVerdict.text(task: EvalTask(id: taskId, prompt: "", answer: expected),
                                                                  finalText: text)))
                }
            }
        }
        let masks = summary.stepMap.filter { $0 == nil }.count
        rows.append(("steps", "\(summary.steps)" + (summary.complete ? ", complete" : ", \(masks) of \(length) positions still masked")))
        rows.append(("forward passes", "\(summary.forwardPasses)"))
        rows.append(("decode time", "\(summary.decodeMillis.fixed(0)) ms (\(summary.tokensPerSecond.fixed(1)) tokens/s)"))
        let commits = transcript.steps.flatMap(\.commits)
        if !commits.isEmpty {
            let mean = commits.reduce(0.0) { $0 + Double($1.entropyNats) } / Double(commits.count)
            rows.append(("mean entropy at commit", "\(mean.fixed(3)) nats"))
        }

        var text = "\(level) Prompt\n\n" + prompt.split(separator: "\n", omittingEmptySubsequences: false)
            .map { "> " + $0 }.joined(separator: "\n") + "\n\n"
        text += "| | |\n|---|---|\n" + rows.map { "| \($0.0) | \(cell($0.1)) |" }.joined(separator: "\n") + "\n\n"
        text += "\(level) Final text\n\n```text\n\(summary.text ?? summary.ids.map(String.init).joined(separator: ","))\n```\n\n"
        text += "\(level) Tokens\n\nStep: the step that committed the position (the step map). Entropy and confidence: "
        text += "that step's forward.\n\n| position | token | step | entropy (nats) | confidence |\n|---:|---|---:|---:|---:|\n"
        let finalCanvas = (try? transcript.canvas(afterStep: transcript.steps.count))
        for position in 0..<length {
            guard case let .decoded(step, commit)? = finalCanvas?.states[position] else {
                text += "| \(position) | (masked) | – | – | – |\n"
                continue
            }
            let piece = pieces?.piece(commit.token) ?? "⟨\(commit.token)⟩"
            text += "| \(position) | \(codeSpan(piece)) | \(step) | \(Double(commit.entropyNats).fixed(3)) | "
                + "\(Double(commit.confidence).fixed(3)) |\n"
        }
        return text
    }

    /// A token as inline code that survives a table: pipes escaped (GFM), line breaks and tabs
    /// shown as marks, a backtick inside fenced by two.
    static func codeSpan(_ piece: String) -> String {
        guard !piece.isEmpty else { return "(empty)" }
        let shown = piece.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: "⏎")
            .replacingOccurrences(of: "\r", with: "␍").replacingOccurrences(of: "\t", with: "⇥")
        return shown.contains("`") ? "`` \(shown) ``" : "`\(shown)`"
    }

    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
