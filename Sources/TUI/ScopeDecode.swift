import Models
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
    /// Forward passes the model has run for this decode; nil for a recording without a model.
    var forwardPassesRun: Int? { get }
    /// Cancelling the calling task leaves the decode as it was.
    func stepForward() async throws
    func stepBack() throws
    /// The steps so far as a transcript (what export writes).
    func transcript() -> Transcript
    /// A block-diffusion decode's blocks and cache; nil on the whole canvas.
    var blocks: BlockStructure? { get }
    /// Replays the next step stepped back over, without the model; false when none is kept.
    func redo() throws -> Bool
}

extension ScopeDecode {
    var stepCount: Int { history.count }
    var blocks: BlockStructure? { nil }
    func redo() throws -> Bool { false }

    func back(toStep step: Int) throws {
        while history.count > step { try stepBack() }
    }
}
