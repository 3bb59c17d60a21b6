import Models
import Decoder

/// A block-diffusion model's decode in the scope: its official loop stepped one forward per step
/// (prefill and store forwards included), the forward off the UI thread. Stepping back and forth
/// over decoded steps replays them; a branch (the editing key) recomputes from the exact cache
/// cut back to the step's blocks.
@MainActor
final class BlockLiveDecode: ScopeDecode {
    let model: ScopeModel
    let prompt: String
    let task: EvalTask?
    let session: BlockDecodeSession

    init(model: ScopeModel, blockModel: BlockDiffusionModel, prompt: String, promptIds: [Int], settings: BlockDecodeSettings,
         task: EvalTask? = nil) throws {
        self.model = model
        self.prompt = prompt
        self.task = task
        session = try BlockDecodeSession(model: blockModel, promptIds: promptIds, settings: settings, vocabulary: model.vocabulary)
    }

    var modelName: String { model.name }
    var canvas: Canvas { session.canvas }
    var history: [StepRecord] { session.history }
    var settings: DecodeSettings { DecodeSettings(block: session.settings) }
    var vocabulary: VocabularyFacts { session.vocabulary }
    var labels: TokenLabels { model.labels }
    /// The loop decides as it goes (thresholds, post steps, stop tokens).
    var plannedSteps: Int? { nil }
    var canStepForward: Bool { !session.isFinished }
    var forwardPassesRun: Int? { session.forwardPassesRun }

    var blocks: BlockStructure? {
        BlockStructure(blockLength: session.settings.blockLength, promptLength: session.promptIds.count,
                       currentBlock: session.currentBlock, lastBlock: session.history.last?.block,
                       cachedBlocks: session.cachedBlocks,
                       cachedPositions: session.cachedPositions)
    }

    /// A step already decoded and stepped back over is replayed at once; only a new one computes.
    func stepForward() async throws {
        if try session.redo() != nil { return }
        try await session.stepInBackground()
    }

    func redo() throws -> Bool {
        try session.redo() != nil
    }

    func stepBack() throws {
        try session.back()
    }

    /// LLaDA2.1's editing on or off from the next step (a branch, like the settings keys); nil
    /// when the family does not edit. Editing turned back on takes the model's default threshold.
    func toggleEditing() throws -> Bool? {
        guard case var .llada2(rule) = session.settings.rule else { return nil }
        rule.editThreshold = rule.edits ? nil : (model.blockSettings.flatMap(\.editThreshold) ?? 0.5)
        var settings = session.settings
        settings.rule = .llada2(rule)
        try session.change(to: settings)
        return rule.edits
    }

    /// `transcript`'s block decode re-run with `model` along its first `count` steps, which it
    /// must reproduce (BlockDecodeSession.rerun), at step 0 with them kept to replay.
    static func rerun(_ transcript: Transcript, model: ScopeModel, settings: BlockDecodeSettings, prompt: String,
                      task: EvalTask?, count: Int, onStep: (Int) -> Void) throws -> BlockLiveDecode {
        guard let blockModel = model.model as? BlockDiffusionModel, blockModel.isBlockDiffusion else {
            throw BlockDecodeError.notABlockModel(model.name)
        }
        let decode = try BlockLiveDecode(model: model, blockModel: blockModel, prompt: prompt,
                                         promptIds: transcript.header.promptIds, settings: settings, task: task)
        try decode.session.rerun(transcript.steps, count: count, onStep: onStep)
        return decode
    }

    func transcript() -> Transcript {
        Transcript(blockDecode: session.recorder, settings: session.settings, vocabulary: session.vocabulary,
                   model: model.identity, tool: model.tool, promptText: prompt, tokenText: model.tokenText, task: task)
    }
}

extension BlockDecodeSettings {
    /// LLaDA2's edit threshold when editing is on.
    var editThreshold: Double? {
        guard case let .llada2(rule) = rule, rule.edits else { return nil }
        return rule.editThreshold
    }
}

extension ScopeModel {
    /// A decode of `promptIds`: the block model's official loop when the model has one, else the
    /// whole-canvas session with `settings`.
    @MainActor
    func decode(prompt: String, promptIds: [Int], settings: DecodeSettings, task: EvalTask? = nil) throws -> ScopeDecode {
        if let blockSettings, let blockModel = model as? BlockDiffusionModel, blockModel.isBlockDiffusion {
            return try BlockLiveDecode(model: self, blockModel: blockModel, prompt: prompt, promptIds: promptIds,
                                       settings: blockSettings, task: task)
        }
        return try LiveDecode(model: self, prompt: prompt, promptIds: promptIds, settings: settings, task: task)
    }
}
