/// Branching from a recorded block decode: the loop's state (its counters, the cache) is not in
/// the records, so the official loop runs again from the prompt along the recorded steps, each
/// under its recorded settings, and every forward must commit and edit what its record says.
extension BlockDecodeSession {
    /// Re-runs the first `count` of `recorded` (a transcript's steps) and checks each against its
    /// record, then steps back to step 0 with them kept: `redo()` replays them without a forward,
    /// and a step past them, or a change of settings, decodes live from there. `onStep` sees the
    /// number of each step re-run.
    public func rerun(_ recorded: [StepRecord], count: Int, onStep: (Int) -> Void = { _ in }) throws {
        guard history.isEmpty else { throw BlockDecodeError.setting("a re-run starts from the prompt, not from step \(history.count)") }
        for record in recorded.prefix(count) {
            if let settings = record.settings.block, settings != self.settings { try change(to: settings) }
            guard let step = try step() else { throw BlockRerunError.endedEarly(step: record.step) }
            if let difference = BlockRerunError.difference(step, from: record) { throw difference }
            onStep(record.step)
        }
        while try back() != nil {}
    }
}

/// A recorded block decode that the model given does not decode the same way.
public enum BlockRerunError: Error, CustomStringConvertible, Equatable {
    case differs(step: Int, what: String)
    case endedEarly(step: Int)

    public var description: String {
        switch self {
        case let .differs(step, what):
            "step \(step) differs from the transcript (\(what)): a different model or weights than the ones that decoded it"
        case let .endedEarly(step):
            "the loop ends before the transcript's step \(step): a different model or weights than the ones that decoded it"
        }
    }

    /// How `step`, re-run, differs from `record`: its forward, commits or edits; nil if it does not.
    static func difference(_ step: StepRecord, from record: StepRecord) -> BlockRerunError? {
        let number = record.step
        if step.blockForward?.kind != record.blockForward?.kind || step.block != record.block {
            return .differs(step: number, what: "a \(describe(step.blockForward?.kind)) forward of block \(step.block), "
                            + "recorded: a \(describe(record.blockForward?.kind)) forward of block \(record.block)")
        }
        let commits = step.commits.map { [$0.position, $0.token] }, recordedCommits = record.commits.map { [$0.position, $0.token] }
        if commits != recordedCommits {
            return .differs(step: number, what: "commits \(pairs(commits)), recorded \(pairs(recordedCommits))")
        }
        let edits = step.edits.map { [$0.position, $0.old, $0.new] }, recordedEdits = record.edits.map { [$0.position, $0.old, $0.new] }
        if edits != recordedEdits {
            return .differs(step: number, what: "edits \(pairs(edits)), recorded \(pairs(recordedEdits))")
        }
        return nil
    }

    private static func describe(_ kind: BlockStep.Kind?) -> String { kind?.rawValue ?? "whole-canvas" }

    /// "position:token …" (edits "position:old→new"), at most 8 listed.
    private static func pairs(_ items: [[Int]]) -> String {
        let shown = items.prefix(8).map { $0.count == 3 ? "\($0[0]):\($0[1])→\($0[2])" : "\($0[0]):\($0[1])" }
        return items.isEmpty ? "none" : shown.joined(separator: " ") + (items.count > 8 ? " …" : "")
    }
}
