import Models
import Decoder

/// A recorded decode stepped back and forth with no model: each step re-applies its record.
@MainActor
final class ReplayDecode: ScopeDecode {
    let recording: Transcript
    private(set) var canvas: Canvas
    private var shownSteps = 0
    let modelName: String

    /// `marksReplay` names the model "… (replay)" in the status bar; an export's recording,
    /// which only looks back at what was decoded live, leaves it out.
    init(_ transcript: Transcript, marksReplay: Bool = true) throws {
        recording = transcript
        canvas = try transcript.canvas(afterStep: 0)
        modelName = transcript.header.model.id + (marksReplay ? " (replay)" : "")
        // A recording cut short (exported mid-decode) still shows the total its rule planned.
        let last = try transcript.canvas(afterStep: transcript.steps.count)
        let settings = transcript.steps.last?.settings ?? transcript.header.settings
        plannedSteps = settings.stepsLeft(on: last, history: transcript.steps).map { transcript.steps.count + $0 }
    }

    var prompt: String {
        recording.header.promptText ?? recording.tokenText?.text(recording.header.promptIds)
            ?? recording.header.promptIds.map(String.init).joined(separator: " ")
    }

    var task: EvalTask? {
        recording.header.taskId.map { EvalTask(id: $0, prompt: prompt, answer: recording.header.expectedAnswer ?? "") }
    }

    var history: [StepRecord] { Array(recording.steps.prefix(shownSteps)) }
    var vocabulary: VocabularyFacts { recording.header.vocabulary }
    var labels: TokenLabels { TokenLabels(recordedPieces: recording.pieces) }
    let plannedSteps: Int?
    var canStepForward: Bool { shownSteps < recording.steps.count }
    var forwardPassesRun: Int? { nil }

    var settings: DecodeSettings {
        canStepForward ? recording.steps[shownSteps].settings : recording.steps.last?.settings ?? recording.header.settings
    }

    func stepForward() async throws {
        try advance()
    }

    /// The next recorded step, at once.
    func advance() throws {
        guard canStepForward else { return }
        try canvas.apply(recording.steps[shownSteps])
        shownSteps += 1
    }

    func stepBack() throws {
        guard shownSteps > 0 else { return }
        shownSteps -= 1
        canvas.undo(recording.steps[shownSteps])
    }

    /// A recorded block decode's blocks, read from the records: the cache holds what the last
    /// prefill or store forward left, and the next record names the block it works on.
    var blocks: BlockStructure? {
        guard let rule = settings.block else { return nil }
        let cached = history.last { [.prefill, .store].contains($0.blockForward?.kind) }?.blockForward?.positions.upperBound ?? 0
        let next = recording.steps.dropFirst(shownSteps).first { $0.blockForward?.kind != .prefill }?.block
        return BlockStructure(blockLength: rule.blockLength, promptLength: recording.header.promptIds.count,
                              currentBlock: canStepForward ? next : nil, lastBlock: history.last?.block,
                              cachedBlocks: cached / rule.blockLength,
                              cachedPositions: cached)
    }

    func transcript() -> Transcript {
        let steps = history
        return Transcript(header: recording.header, steps: steps, pieces: recording.pieces,
                          summary: DecodeSummary(canvas: canvas, history: steps, tokenText: recording.tokenText))
    }
}
