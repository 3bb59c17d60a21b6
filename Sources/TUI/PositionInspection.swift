import Decoder

/// What the inspector shows of one generated position at the step on screen, as plain values
/// (built here from decoder types, like `DecodeSnapshot`).
public struct PositionInspection: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        /// Still masked; `guess` is the latest forward's choice.
        case masked(guess: TokenText?)
        /// Committed at `step` as the `rank`-th of its step's ranking, let through by `rule` under
        /// `order`; `token` is the one there now (an edit may have replaced the committed one).
        case committed(step: Int, rank: Int, of: Int, rule: String, order: String, token: TokenText, confidence: Double,
                       entropyNats: Double)
    }

    public var position: Int
    public var state: State
    /// The step whose forward the candidates come from: the commit step, or the step shown.
    public var candidatesStep: Int?
    /// The likeliest tokens of that forward; nil when the transcript did not record them.
    public var candidates: [(text: TokenText, probability: Double)]?
    /// The position's entropy at every step's forward while it was masked, step 1 first
    /// (nil once decoded).
    public var entropyBySteps: [Double?]
    /// The tokens the position held: its commit, then every edit, with step and probability.
    public var tokenHistory: [TokenEvent] = []

    public struct TokenEvent: Equatable, Sendable {
        public var step: Int
        public var token: TokenText
        public var probability: Double
        public var isEdit: Bool
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.position == b.position && a.state == b.state && a.candidatesStep == b.candidatesStep
            && a.entropyBySteps == b.entropyBySteps && a.tokenHistory == b.tokenHistory
            && a.candidates?.map(\.text) == b.candidates?.map(\.text)
            && a.candidates?.map(\.probability) == b.candidates?.map(\.probability)
    }
}

extension PositionInspection {
    /// `position` of `decode` after the steps shown.
    @MainActor
    init(position: Int, of decode: ScopeDecode) {
        let history = decode.history, labels = decode.labels, vocabulary = decode.vocabulary
        func text(_ token: Int) -> TokenText {
            vocabulary.isEndOfText(token) ? .text(String(CanvasView.eosGlyph)) : labels.text(token)
        }
        self.position = position
        entropyBySteps = history.map { record in
            if let commit = record.commits.first(where: { $0.position == position }) { return Double(commit.entropyNats) }
            return record.maskedEntropyNats.indices.contains(position) ? record.maskedEntropyNats[position].map(Double.init) : nil
        }

        let record: StepRecord?
        switch decode.canvas.states[position] {
        case let .decoded(step, commit):
            let committing = history[step - 1]
            record = committing
            let rule = committing.settings.parallelism
            // An edited position shows the token there now; its history lists the commit and each edit.
            let now = decode.canvas.tokens[decode.canvas.promptIds.count + position]
            // A block model's commits are listed in its loop's order, let through by its rule.
            state = .committed(step: step, rank: commit.rank, of: committing.commits.count,
                               rule: committing.settings.block?.label ?? "\(rule.ruleName) \(rule.valueLabel)",
                               order: committing.settings.block == nil ? committing.settings.order.rawValue : "the loop",
                               token: text(now), confidence: Double(commit.confidence),
                               entropyNats: Double(commit.entropyNats))
            tokenHistory = [TokenEvent(step: step, token: text(commit.token), probability: Double(commit.confidence), isEdit: false)]
            for record in history[step...] {
                for edit in record.edits where edit.position == position {
                    tokenHistory.append(TokenEvent(step: record.step, token: text(edit.new), probability: Double(edit.probability),
                                                   isEdit: true))
                }
            }
        case .masked:
            record = history.last
            let guess = record.flatMap { $0.maskedGuesses.indices.contains(position) ? $0.maskedGuesses[position] : nil }
            state = .masked(guess: guess.map(text))
        }
        candidatesStep = record?.step
        candidates = record.flatMap { record in
            guard record.topCandidates.indices.contains(position) else { return nil }
            return (record.topCandidates[position] ?? []).map { (text($0.token), Double($0.probability)) }
        }
    }
}
