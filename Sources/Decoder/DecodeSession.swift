import Models

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
    /// Steps undone by `back()`, the next one to redo last: the decode's kept future, which
    /// `redo()` replays without a forward. A branch discards it.
    public private(set) var future: [StepRecord] = []
    /// Forward passes this session has run (a step replayed from `future` runs none): what a
    /// scrub over decoded steps must leave unchanged.
    public private(set) var forwardPassesRun = 0
    public private(set) var isStepping = false
    /// Keys and values kept for the prefix and dual caches; made on the first cached step.
    private var stepCache: StepCache?

    /// `vocabulary` overrides the model's facts, e.g. to name an EoT id that config.json lacks.
    /// A canvas longer than the model's context is refused unless `allowBeyondContext`
    /// (the caller then warns: positions past the context were never trained).
    public init(model: DenoisingModel, promptIds: [Int], generationLength: Int,
                settings: DecodeSettings, vocabulary: VocabularyFacts? = nil, allowBeyondContext: Bool = false) throws {
        let facts = vocabulary ?? model.vocabulary
        if let bad = promptIds.first(where: { !(0..<facts.logitColumns).contains($0) }) {
            throw DecodeSessionError.promptIdOutOfRange(bad, columns: facts.logitColumns)
        }
        if promptIds.contains(facts.maskId) { throw DecodeSessionError.maskInPrompt(facts.maskId) }
        try settings.validate(generationLength: generationLength)
        if !allowBeyondContext, let context = Self.exceededContext(model: model, promptLength: promptIds.count,
                                                                   generationLength: generationLength) {
            throw DecodeSessionError.beyondContext(model: model.modelName, prompt: promptIds.count,
                                                   generation: generationLength, context: context)
        }
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
        future.append(last)
        return last
    }

    /// Re-applies the next kept step (undone by `back()`, or recorded) without running the model,
    /// and takes its settings; nil when there is none. Steps are deterministic given the seed, so
    /// this is the step a forward would compute again.
    @discardableResult
    public func redo() throws -> StepRecord? {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard let next = future.last else { return nil }
        try canvas.apply(next)
        future.removeLast()
        history.append(next)
        settings = next.settings
        return next
    }

    /// Keeps a recording of this decode (a transcript's steps, from step 0) as the future:
    /// stepping replays it without the model, and a change of settings branches from wherever
    /// the user is. The steps must replay onto this session's canvas.
    public func keep(recorded steps: [StepRecord]) throws {
        guard history.isEmpty else { throw DecodeSessionError.noSuchStep(0, available: history.count) }
        var replayed = canvas
        for step in steps { try replayed.apply(step) }
        future = steps.reversed()
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
        future = []
    }

    func nextPlan() throws -> StepPlan {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard let block = blocks.currentBlock(of: canvas) else { throw DecodeSessionError.complete }
        let blockRange = blocks.range(ofBlock: block)
        return StepPlan(model: model, vocabulary: vocabulary, canvas: canvas, settings: settings,
                        step: history.count + 1, block: block, blocks: blocks,
                        stepsSpentInBlock: canvas.stepsSpent(onBlock: block, of: blocks, history: history),
                        cached: cachedForward(block: blockRange))
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

    /// The model's context length when prompt + generation exceed it; nil when they fit or it is unknown.
    public static func exceededContext(model: DenoisingModel, promptLength: Int, generationLength: Int) -> Int? {
        guard let context = model.contextLength, promptLength + generationLength > context else { return nil }
        return context
    }

    private static func checkCacheSupport(_ settings: DecodeSettings, model: DenoisingModel) throws {
        guard settings.cache != .exact else { return }
        guard let caching = model as? CachingDenoisingModel, caching.cachesSteps else {
            throw DecodeSessionError.noCache(settings.cache)
        }
    }

    @discardableResult
    func commit(_ record: StepRecord, of plan: StepPlan) throws -> StepRecord {
        // Recorded only once the fill has run: a cancelled step leaves the cache to be refilled.
        if let cached = plan.cached, let fill = cached.fill { cached.cache.filledFrom = fill }
        try canvas.apply(record)
        history.append(record)
        forwardPassesRun += record.forwardPasses
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
    case beyondContext(model: String, prompt: Int, generation: Int, context: Int)

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
        case let .beyondContext(model, prompt, generation, context):
            return "\(model): prompt (\(prompt) tokens) + generation (\(generation)) = \(prompt + generation) positions exceed the model's context of \(context); shorten the prompt or the generation length, or pass --allow-beyond-context to run anyway (positions past the context give unreliable output)"
        }
    }
}
