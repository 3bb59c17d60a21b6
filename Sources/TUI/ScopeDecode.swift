import Decoder

/// One decode on screen: a live session, or a transcript replayed without a model. The
/// controller steps both alike; only a live one can change its settings.
@MainActor
protocol ScopeDecode: AnyObject {
    /// The user-visible prompt.
    var prompt: String { get }
    /// How the status bar names the model.
    var modelName: String { get }
    /// The held-out task the prompt came from, if any: the status bar checks the answer against it.
    var task: EvalTask? { get }
    var canvas: Canvas { get }
    /// The steps up to the one shown, oldest first.
    var history: [StepRecord] { get }
    /// The settings the next step uses.
    var settings: DecodeSettings { get }
    var vocabulary: VocabularyFacts { get }
    var labels: TokenLabels { get }
    /// Steps the whole decode takes, when the rule or the recording says.
    var plannedSteps: Int? { get }
    var canStepForward: Bool { get }
    /// Cancelling the calling task leaves the decode as it was.
    func stepForward() async throws
    func stepBack() throws
    /// The steps so far as a transcript (what export writes).
    func transcript() -> Transcript
}

extension ScopeDecode {
    var stepCount: Int { history.count }

    func back(toStep step: Int) throws {
        while history.count > step { try stepBack() }
    }
}

/// Steps a rule still needs for a canvas, counted the way the decoder commits: a schedule spends
/// its per-block steps (one token each once the masks run short), a fixed k takes ⌈masks / k⌉ per
/// block. Threshold rules depend on confidences not yet seen: nil.
func stepsLeft(canvas: Canvas, settings: DecodeSettings) -> Int? {
    let blocks = settings.blocks(generationLength: canvas.generationLength)
    var total = 0
    for block in 0..<blocks.blockCount {
        let range = blocks.range(ofBlock: block)
        let masks = range.filter(canvas.isMasked).count
        guard masks > 0 else { continue }
        switch settings.parallelism {
        case let .schedule(steps), let .timesteps(steps):
            total += min(masks, max(1, steps / blocks.blockCount - canvas.stepsSpent(in: range)))
        case let .perStep(k):
            total += (masks + k - 1) / k
        case .threshold, .factor, .entropyBound:
            return nil
        }
    }
    return total
}
