import Models
import Decoder

/// A decode the model computes as the user steps; its forward runs off the UI thread.
@MainActor
final class LiveDecode: ScopeDecode {
    let model: ScopeModel
    let prompt: String
    let task: EvalTask?
    let session: DecodeSession

    init(model: ScopeModel, prompt: String, promptIds: [Int], settings: DecodeSettings, task: EvalTask? = nil) throws {
        self.model = model
        self.prompt = prompt
        self.task = task
        session = try DecodeSession(model: model.model, promptIds: promptIds, generationLength: model.generationLength,
                                    settings: settings, vocabulary: model.vocabulary,
                                    allowBeyondContext: model.allowsBeyondContext)
    }

    /// The same prompt decoded again from step 0 with other settings (compare mode's panes).
    func fresh(settings: DecodeSettings) throws -> LiveDecode {
        try LiveDecode(model: model, prompt: prompt, promptIds: session.promptIds, settings: settings, task: task)
    }

    var modelName: String { model.name }
    var canvas: Canvas { session.canvas }
    var history: [StepRecord] { session.history }
    var settings: DecodeSettings { session.settings }
    var vocabulary: VocabularyFacts { session.vocabulary }
    var labels: TokenLabels { model.labels }
    var canStepForward: Bool { !session.isComplete }
    var forwardPassesRun: Int? { session.forwardPassesRun }

    var plannedSteps: Int? {
        session.settings.stepsLeft(on: session.canvas, history: session.history).map { session.history.count + $0 }
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

    /// Continues from the current step with `settings`. A finished canvas starts over from step 0
    /// instead, since nothing would be left to decode; returns whether it did.
    func change(to settings: DecodeSettings) throws -> Bool {
        let startsOver = session.isComplete
        try session.branch(at: startsOver ? 0 : session.history.count, settings: settings)
        return startsOver
    }

    func transcript() -> Transcript {
        Transcript(session: session, model: model.identity, tool: model.tool, promptText: prompt, tokenText: model.tokenText,
                   task: task)
    }
}
