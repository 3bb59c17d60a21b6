/// One decoding step: what it committed and what the model thought of every position it left
/// masked, all from the one forward (two with CFG) of that step.
public struct StepRecord: Equatable, Sendable {
    /// 1-based, counted over the whole decode.
    public var step: Int
    /// The block the step committed into (0-based).
    public var block: Int
    /// The settings in force (a branch changes them mid-way).
    public var settings: DecodeSettings
    /// In ranking order: `commits[i].rank == i + 1`.
    public var commits: [Commit]
    /// Committed tokens this step replaced (LLaDA2.1's editing), by position.
    public var edits: [TokenEdit]
    /// The heatmap row: per generated position, the entropy (nats) this step's forward gave a
    /// position that is still masked after the step; nil where the position is decoded.
    public var maskedEntropyNats: [Float?]
    /// The token this step's forward would put at each position still masked after the step
    /// (the sampler's choice in the current block, the argmax elsewhere), nil where decoded;
    /// what the canvas shows dimmed under a mask. Empty when a transcript did not record it.
    public var maskedGuesses: [Int?]
    /// Per generated position masked at this step's forward (this step's commits included), the
    /// `TokenProbability.recordedCount` likeliest tokens of that forward, likeliest first; nil where
    /// the position was decoded before. Empty when a transcript (version 1) did not record it.
    public var topCandidates: [[TokenProbability]?]
    /// Model forwards this step ran (2 with classifier-free guidance).
    public var forwardPasses: Int
    /// Wall time inside the model.
    public var forwardMillis: Double
    /// Wall time of the whole step: the forward plus statistics, ranking, sampling and commit.
    public var stepMillis: Double
    /// What the forward of a block-diffusion step was; nil on the whole canvas.
    public var blockForward: BlockForward?

    public init(step: Int, block: Int, settings: DecodeSettings, commits: [Commit],
                maskedEntropyNats: [Float?], maskedGuesses: [Int?] = [], topCandidates: [[TokenProbability]?] = [],
                forwardPasses: Int, forwardMillis: Double, stepMillis: Double, edits: [TokenEdit] = []) {
        self.step = step
        self.block = block
        self.settings = settings
        self.commits = commits
        self.edits = edits
        self.maskedEntropyNats = maskedEntropyNats
        self.maskedGuesses = maskedGuesses
        self.topCandidates = topCandidates
        self.forwardPasses = forwardPasses
        self.forwardMillis = forwardMillis
        self.stepMillis = stepMillis
    }
}

/// A decoded position whose token a step replaced: the model became confident in another one
/// (LLaDA2.1's `editing_threshold`).
public struct TokenEdit: Equatable, Sendable {
    public var position: Int
    public var old: Int
    public var new: Int
    /// The probability of `new` that passed the edit threshold.
    public var probability: Float

    public init(position: Int, old: Int, new: Int, probability: Float) {
        self.position = position
        self.old = old
        self.new = new
        self.probability = probability
    }
}

/// A token and the probability the model's forward gave it (softmax of the logits as used for
/// ranking: after CFG and EOS suppression, at temperature 1).
public struct TokenProbability: Equatable, Sendable {
    public var token: Int
    public var probability: Float

    /// Candidates a step records per masked position.
    public static let recordedCount = 5

    public init(token: Int, probability: Float) {
        self.token = token
        self.probability = probability
    }
}
