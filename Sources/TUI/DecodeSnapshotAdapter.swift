import Models
import Decoder

/// The decoder → view adapter: views see plain values only (see DecodeSnapshot), and this is the
/// one place that reads decoder types to make them.
extension DecodeSnapshot {
    /// What the views show of `canvas` after `history`: each position's commit (token, step,
    /// entropy, confidence, end of text) or, while masked, the entropy and best guess of the
    /// latest forward; one trace per step for the waterfall.
    public init(prompt: String, canvas: Canvas, history: [StepRecord], vocabulary: VocabularyFacts,
                labels: TokenLabels, plannedSteps: Int?, entropyScaleNats: Double, status: StatusInfo) {
        let latest = history.last
        let positions = canvas.states.indices.map { position -> PositionState in
            switch canvas.states[position] {
            case .masked:
                let guess = latest.flatMap { $0.maskedGuesses.indices.contains(position) ? $0.maskedGuesses[position] : nil }
                // An end-of-text guess looks as it would once committed: the tail glyph, not its special-token name.
                let shown = guess.flatMap { vocabulary.isEndOfText($0) ? .text(String(CanvasView.eosGlyph)) : labels.knownText($0) }
                return .masked(entropyNats: latest?.maskedEntropyNats[position].map(Double.init), guess: shown)
            case let .decoded(step, commit):
                // An edited position shows the token it holds now, with the statistics of its commit.
                let token = canvas.tokens[canvas.canvasIndex(position)]
                var decoded = DecodedToken(text: labels.text(token), step: step, entropyNats: Double(commit.entropyNats),
                                           confidence: Double(commit.confidence), isEOS: vocabulary.isEndOfText(token))
                decoded.editSteps = canvas.editSteps[position] ?? []
                return .decoded(decoded)
            }
        }
        self.init(prompt: prompt, positions: positions, step: history.count, plannedSteps: plannedSteps,
                  history: history.map(StepTrace.init), entropyScaleNats: entropyScaleNats, status: status)
    }

    /// A scope decode as it stands, with its status line.
    @MainActor
    init(_ decode: ScopeDecode, entropyScaleNats: Double, playback: Playback, isComputing: Bool, message: String?) {
        let history = decode.history, settings = decode.settings
        let length = decode.canvas.generationLength
        let status = StatusInfo(
            model: decode.modelName, order: settings.order.rawValue,
            blockLength: settings.visibleBlockLength(generationLength: length),
            parallelismRule: settings.parallelism.ruleName, parallelismValue: settings.parallelism.valueLabel,
            cache: settings.cache == .exact ? nil : settings.cache.rawValue,
            lastStepMillis: history.last?.stepMillis, computeMillis: history.reduce(0) { $0 + $1.stepMillis },
            forwardPassesRun: decode.forwardPassesRun, playback: playback, isComputing: isComputing,
            notice: BranchNotice.text(history: history, next: settings, isComplete: decode.canvas.isComplete,
                                      generationLength: length),
            message: message)
        self.init(prompt: decode.prompt, canvas: decode.canvas, history: history, vocabulary: decode.vocabulary,
                  labels: decode.labels, plannedSteps: decode.plannedSteps, entropyScaleNats: entropyScaleNats,
                  status: status)
        blocks = decode.blocks
        if let rule = settings.block {
            self.status.blockRule = rule.label
            self.status.blockLength = rule.blockLength
            self.status.blockCache = blocks.map { "cache: \($0.cachedBlocks) blocks · \($0.cachedPositions) pos" }
        }
        guard let task = decode.task else { return }
        // The tokenizer's text; without one (a replay of a run that had none), the labels on screen.
        let finalText = decode.canvas.isComplete ? decode.transcript().summary.text ?? shownText : nil
        self.status.task = TaskVerdict.text(task: task, finalText: finalText)
    }
}

extension StepTrace {
    /// The waterfall row of a step: the step record keeps the heat of positions still masked
    /// after it, and its commits carry their own entropy at the same forward.
    init(_ record: StepRecord) {
        var heat = record.maskedEntropyNats.map { $0.map(Double.init) }
        for commit in record.commits { heat[commit.position] = Double(commit.entropyNats) }
        self.init(step: record.step, maskedEntropyNats: heat, committed: Set(record.commits.map(\.position)),
                  edited: Set(record.edits.map(\.position)))
    }
}
