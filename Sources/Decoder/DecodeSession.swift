/// An incremental decode: owns the canvas and the history of steps, steps forwards and back, and
/// branches to other settings mid-way. Use it from one thread or actor; the forward itself can run
/// off that thread (`stepInBackground`).
public final class DecodeSession {
    public let model: DenoisingModel
    public let vocabulary: VocabularyFacts
    /// Used by the next step; `branch(at:settings:)` changes them.
    public private(set) var settings: DecodeSettings
    public private(set) var canvas: Canvas
    /// Every step so far, oldest first; `history[i].step == i + 1`.
    public private(set) var history: [StepRecord] = []
    public private(set) var isStepping = false
    /// Keys and values kept for the prefix and dual caches; made on the first cached step.
    private var stepCache: StepCache?

    /// `vocabulary` overrides the model's facts, e.g. to name an EoT id that config.json lacks.
    public init(model: DenoisingModel, promptIds: [Int], generationLength: Int,
                settings: DecodeSettings, vocabulary: VocabularyFacts? = nil) throws {
        let facts = vocabulary ?? model.vocabulary
        if let bad = promptIds.first(where: { !(0..<facts.logitColumns).contains($0) }) {
            throw DecodeSessionError.promptIdOutOfRange(bad, columns: facts.logitColumns)
        }
        if promptIds.contains(facts.maskId) { throw DecodeSessionError.maskInPrompt(facts.maskId) }
        try settings.validate(generationLength: generationLength)
        try Self.checkCacheSupport(settings, model: model)
        self.model = model
        self.vocabulary = facts
        self.settings = settings
        canvas = Canvas(promptIds: promptIds, generationLength: generationLength, maskId: facts.maskId)
    }

    public var promptIds: [Int] { canvas.promptIds }
    public var isComplete: Bool { canvas.isComplete }
    public var forwardPasses: Int { history.reduce(0) { $0 + $1.forwardPasses } }
    public var blocks: BlockLayout { settings.blocks(generationLength: canvas.generationLength) }

    /// One step on the caller's thread.
    @discardableResult
    public func step() throws -> StepRecord {
        let plan = try nextPlan()
        return try commit(try ForwardQueue.runSynchronously(plan), of: plan)
    }

    /// One step whose forward runs on a worker thread. Cancelling the task returns at once with
    /// `CancellationError` and leaves the session exactly as it was.
    @discardableResult
    public func stepInBackground(isolation: isolated (any Actor)? = #isolation) async throws -> StepRecord {
        let plan = try nextPlan()
        isStepping = true
        defer { isStepping = false }
        let record = try await ForwardQueue.run(plan)
        try Task.checkCancellation()
        return try commit(record, of: plan)
    }

    /// Steps until no mask is left, reporting each step as it lands.
    public func runToEnd(onStep: (StepRecord) throws -> Void = { _ in }) throws {
        while !isComplete { try onStep(step()) }
    }

    /// Undoes the last step exactly (canvas and history); the settings stay as they are.
    /// Returns the undone step, nil at the start.
    @discardableResult
    public func back() throws -> StepRecord? {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard let last = history.popLast() else { return nil }
        canvas.undo(last)
        return last
    }

    /// Back to the fully masked canvas; the settings stay as they are.
    public func reset() throws {
        while try back() != nil {}
    }

    /// Keeps the first `step` steps and continues from there with `settings`.
    public func branch(at step: Int, settings: DecodeSettings) throws {
        guard (0...history.count).contains(step) else {
            throw DecodeSessionError.noSuchStep(step, available: history.count)
        }
        try settings.validate(generationLength: canvas.generationLength)
        try Self.checkCacheSupport(settings, model: model)
        while history.count > step { try back() }
        self.settings = settings
    }

    func nextPlan() throws -> StepPlan {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard let block = blocks.currentBlock(of: canvas) else { throw DecodeSessionError.complete }
        let blockRange = blocks.range(ofBlock: block)
        return StepPlan(model: model, vocabulary: vocabulary, canvas: canvas, settings: settings,
                        step: history.count + 1, block: block, blocks: blocks,
                        stepsSpentInBlock: canvas.stepsSpent(in: blockRange), cached: cachedForward(block: blockRange))
    }

    /// The cache's part of the next step: fill from the canvas the block started with, unless
    /// the cache already holds exactly that canvas. Until the step lands the cache counts as
    /// empty, so a cancelled fill is never trusted.
    private func cachedForward(block: Range<Int>) -> CachedForward? {
        guard settings.cache != .exact, let model = model as? CachingDenoisingModel else { return nil }
        let cache = stepCache ?? StepCache(model: model, rows: canvas.tokens.count)
        stepCache = cache
        var blockStart = canvas.tokens
        for position in block where !canvas.isMasked(position) {
            blockStart[canvas.canvasIndex(position)] = vocabulary.maskId
        }
        // A block's first step is always the whole-canvas forward, replayed or not.
        let atBlockStart = blockStart == canvas.tokens
        let reuse = cache.filledFrom == blockStart && !atBlockStart
        if !reuse { cache.filledFrom = nil }
        return CachedForward(cache: cache, fill: reuse ? nil : blockStart,
                             window: settings.cache.window(block: block, canvas: canvas),
                             runsWholeCanvas: atBlockStart, carried: history.last)
    }

    private static func checkCacheSupport(_ settings: DecodeSettings, model: DenoisingModel) throws {
        guard settings.cache != .exact else { return }
        guard let caching = model as? CachingDenoisingModel, caching.cachesSteps else {
            throw DecodeSessionError.noCache(settings.cache)
        }
    }

    func commit(_ record: StepRecord, of plan: StepPlan) throws -> StepRecord {
        // Recorded only once the fill has run: a cancelled step leaves the cache to be refilled.
        if let cached = plan.cached, let fill = cached.fill { cached.cache.filledFrom = fill }
        try canvas.apply(record)
        history.append(record)
        return record
    }
}

public enum DecodeSessionError: Error, CustomStringConvertible, Equatable {
    case complete
    case busy
    case noSuchStep(Int, available: Int)
    case promptIdOutOfRange(Int, columns: Int)
    case maskInPrompt(Int)
    case noCache(CacheMode)

    public var description: String {
        switch self {
        case .complete:
            return "the canvas has no mask left; step back, reset or branch to decode again"
        case .busy:
            return "a step is still running; await it (or cancel its task) first"
        case let .noSuchStep(step, available):
            return "cannot branch at step \(step): the history has steps 0…\(available)"
        case let .promptIdOutOfRange(id, columns):
            return "prompt id \(id) is outside the model's \(columns) logit columns; check the ids against the model's vocabulary"
        case let .maskInPrompt(mask):
            return "the prompt contains the mask id \(mask); the prompt must be fully given (infilling is not supported)"
        case let .noCache(mode):
            return "this model cannot run the \(mode.rawValue) cache (Dream reads each prediction one row earlier; a remote model keeps no cache); decode it exactly"
        }
    }
}
