import Decoder

/// The status line's word on branches, read from the history itself so it stays true after
/// stepping back: where the settings changed mid-decode, or that the next step will change them.
enum BranchNotice {
    static func text(history: [StepRecord], next: DecodeSettings, isComplete: Bool, generationLength: Int) -> String? {
        if let last = history.last, !isComplete, next != last.settings {
            return "⑂ next step branches from step \(history.count): \(next.changes(from: last.settings, generationLength: generationLength))"
        }
        guard let index = history.indices.dropFirst().last(where: { history[$0].settings != history[$0 - 1].settings }) else {
            return nil
        }
        let change = history[index].settings.changes(from: history[index - 1].settings, generationLength: generationLength)
        return "⑂ branched at step \(index): \(change)"
    }
}
