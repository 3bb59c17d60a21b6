/// The decode settings and timings the status bar shows; counts it derives from the snapshot.
public struct StatusInfo: Equatable, Sendable {
    public var model: String
    /// Order policy name as the user types it: confidence, margin, entropy, random, ar, origin.
    public var order: String
    /// Semi-autoregressive block length; nil when the whole generation is one block.
    public var blockLength: Int?
    /// Parallelism rule name (fixed, threshold, factor, entropy-bound) and its value with symbol
    /// (`k=2`, `τ=0.90`, `f=1.0`, `γ=0.5`).
    public var parallelismRule: String
    public var parallelismValue: String
    /// Fast-dLLM cache in use ("prefix", "dual"); nil for exact steps.
    public var cache: String?
    /// A block-diffusion decode's rule in place of order and parallelism (BlockDecodeSettings.label).
    public var blockRule: String?
    /// What its exact cache holds, e.g. "cache: 3 blocks · 96 pos".
    public var blockCache: String?
    public var lastStepMillis: Double?
    /// Model and selection time of every step so far, for tokens per second.
    public var computeMillis: Double
    /// Forward passes the model has run for this decode (replayed steps run none); nil without a model.
    public var forwardPassesRun: Int?
    public var playback: Playback
    /// A forward pass is running off the UI thread.
    public var isComputing: Bool
    /// Lasting notice, e.g. that changing a setting branched the decode.
    public var notice: String?
    /// One-off message, e.g. an export's result or error.
    public var message: String?
    /// The held-out task's expected answer, and once the decode is complete the answer found with
    /// a ✓ or ✗ (see `TaskVerdict`).
    public var task: String?

    public init(model: String, order: String, blockLength: Int? = nil, parallelismRule: String,
                parallelismValue: String, cache: String? = nil, lastStepMillis: Double? = nil, computeMillis: Double = 0,
                forwardPassesRun: Int? = nil, playback: Playback = .paused, isComputing: Bool = false, notice: String? = nil,
                message: String? = nil) {
        self.model = model
        self.order = order
        self.blockLength = blockLength
        self.parallelismRule = parallelismRule
        self.parallelismValue = parallelismValue
        self.cache = cache
        self.lastStepMillis = lastStepMillis
        self.computeMillis = computeMillis
        self.forwardPassesRun = forwardPassesRun
        self.playback = playback
        self.isComputing = isComputing
        self.notice = notice
        self.message = message
    }
}

/// Whether steps advance on their own.
public enum Playback: Equatable, Sendable {
    case playing
    case paused
}
