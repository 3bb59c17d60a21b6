import Models
import Decoder

/// A loaded model as the scope uses it. The command line builds it from a checkpoint, so the
/// TUI never touches weights or tokenizer files itself.
public struct ScopeModel {
    /// How the status bar and transcripts name it.
    public var name: String
    public var identity: ModelIdentity
    public var model: DenoisingModel
    /// The model's facts with the tokenizer's end-of-turn id filled in.
    public var vocabulary: VocabularyFacts
    /// Written into transcripts so a replay can label tokens.
    public var tokenText: TokenizerText?
    public var labels: TokenLabels
    public var generationLength: Int
    /// Held-out tasks for the `t` key.
    public var tasks: [EvalTask]
    /// Prompt text → prompt ids (the chat template applied when the model has one).
    public var encodePrompt: (String) throws -> [Int]
    /// Names this program in transcript headers, e.g. "dscope 0.1.0".
    public var tool: String
    /// --allow-beyond-context: a prompt + generation longer than the model's context decodes
    /// anyway instead of being refused.
    public var allowsBeyondContext = false
    /// A block-diffusion model's official loop and its settings: prompts decode with it
    /// (BlockLiveDecode) instead of the whole-canvas session.
    public var blockSettings: BlockDecodeSettings?

    public init(name: String, identity: ModelIdentity, model: DenoisingModel, vocabulary: VocabularyFacts,
                tokenText: TokenizerText?, labels: TokenLabels, generationLength: Int, tasks: [EvalTask],
                tool: String, encodePrompt: @escaping (String) throws -> [Int]) {
        self.name = name
        self.identity = identity
        self.model = model
        self.vocabulary = vocabulary
        self.tokenText = tokenText
        self.labels = labels
        self.generationLength = generationLength
        self.tasks = tasks
        self.tool = tool
        self.encodePrompt = encodePrompt
    }
}
