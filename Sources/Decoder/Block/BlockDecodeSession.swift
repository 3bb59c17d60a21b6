import Dispatch
import Models

/// An incremental block decode, the block models' DecodeSession: the family's official loop
/// stepped one forward at a time, every forward a StepRecord on the canvas (BlockStepRecorder).
/// Stepping back restores the loop as it was before the step and keeps the step as the future,
/// which `redo()` replays without a forward. A change of settings drops that future; the next
/// forward then first cuts the exact cache back to the blocks it held at this step (committed
/// blocks' keys and values are deterministic), so it computes what an uninterrupted decode would.
/// Use it from one thread or actor; the forward itself can run off that thread.
public final class BlockDecodeSession {
    public let model: BlockDiffusionModel
    public let vocabulary: VocabularyFacts
    /// Used by the next forward; `change(to:)` switches its thresholds (editing on or off).
    public private(set) var settings: BlockDecodeSettings
    public private(set) var recorder: BlockStepRecorder
    private var loop: BlockLoop
    /// The cache length the loop's state stands on; the cache may hold more (the blocks of steps
    /// kept in `future`), cut back before the next forward.
    private var cacheLength = 0
    /// The loop and its cache length before each recorded step, which `back()` restores.
    private var before: [(loop: BlockLoop, cacheLength: Int)] = []
    /// Steps undone by `back()`, the next to redo last, with the loop and cache length after each.
    private var future: [(record: StepRecord, loop: BlockLoop, cacheLength: Int)] = []
    /// Forward passes this session has run, those recomputed after stepping back included.
    public private(set) var forwardPassesRun = 0
    public private(set) var isStepping = false

    public init(model: BlockDiffusionModel, promptIds: [Int], settings: BlockDecodeSettings,
                vocabulary: VocabularyFacts? = nil) throws {
        let facts = vocabulary ?? model.vocabulary
        if let bad = promptIds.first(where: { !(0..<facts.logitColumns).contains($0) }) {
            throw DecodeSessionError.promptIdOutOfRange(bad, columns: facts.logitColumns)
        }
        try BlockDecode.check(model: model, prompt: promptIds, settings: settings, maskId: facts.maskId)
        self.model = model
        self.vocabulary = facts
        self.settings = settings
        recorder = BlockStepRecorder(modelName: model.modelName, promptIds: promptIds, settings: settings, maskId: facts.maskId)
        loop = makeBlockLoop(model: model, prompt: promptIds, settings: settings, maskId: facts.maskId)
    }

    public var canvas: Canvas { recorder.canvas }
    public var history: [StepRecord] { recorder.history }
    public var promptIds: [Int] { canvas.promptIds }
    /// The canvas block the next forward works on; nil once the loop is over.
    public var currentBlock: Int? { loop.currentBlock }
    public var isFinished: Bool { loop.currentBlock == nil }
    /// Positions whose keys and values the exact cache holds for this step (whole blocks).
    public var cachedPositions: Int { cacheLength }
    public var cachedBlocks: Int { cacheLength / settings.blockLength }
    /// Steps stepped back over that `redo()` replays.
    public var keptSteps: Int { future.count }
    /// What the official loop returns so far.
    public var result: BlockDecodeResult { loop.result }

    /// One forward on the caller's thread; nil when the loop is over.
    @discardableResult
    public func step() throws -> StepRecord? {
        guard !isStepping else { throw DecodeSessionError.busy }
        try cutCache()
        return try land(ForwardQueue.queue.sync { Work(loop: loop).run() })
    }

    /// One forward on the forward queue. It cannot be interrupted: a cancelled task waits for it,
    /// then drops it (the cache cut back) and throws `CancellationError`, the session as it was.
    @discardableResult
    public func stepInBackground(isolation: isolated (any Actor)? = #isolation) async throws -> StepRecord? {
        guard !isStepping else { throw DecodeSessionError.busy }
        try cutCache()
        isStepping = true
        defer { isStepping = false }
        let work = Work(loop: loop)
        let outcome = await withCheckedContinuation { continuation in
            ForwardQueue.queue.async { continuation.resume(returning: work.run()) }
        }
        if Task.isCancelled {
            try? loop.cache.truncate(to: work.cacheLength)
            throw CancellationError()
        }
        return try land(outcome)
    }

    /// Undoes the last step: canvas, history and loop as before it, the step kept for `redo()`.
    /// Returns the undone step, nil at the start.
    @discardableResult
    public func back() throws -> StepRecord? {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard let restored = before.popLast(), let record = recorder.removeLast() else { return nil }
        future.append((record, loop, cacheLength))
        (loop, cacheLength) = restored
        return record
    }

    /// Re-applies the next kept step without a forward, with its settings; nil when none is kept.
    /// The cache still holds its blocks: nothing cut it while the step was kept.
    @discardableResult
    public func redo() throws -> StepRecord? {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard let next = future.last else { return nil }
        try recorder.reapply(next.record)
        future.removeLast()
        before.append((loop, cacheLength))
        (loop, cacheLength) = (next.loop, next.cacheLength)
        if let settings = next.record.settings.block { self.settings = settings }
        return next.record
    }

    /// Decodes on with `settings` from the current step, dropping the kept steps. Only the rule's
    /// thresholds may change: the family, block length and generation length make the canvas.
    public func change(to settings: BlockDecodeSettings) throws {
        guard !isStepping else { throw DecodeSessionError.busy }
        guard settings.blockLength == self.settings.blockLength, settings.generationLength == self.settings.generationLength,
              settings.rule.family == self.settings.rule.family else {
            throw BlockDecodeError.setting("a block decode keeps its family, block length and generation length; start a new decode for others")
        }
        try settings.validate()
        self.settings = settings
        loop.adopt(settings.rule)
        future = []
    }

    /// Before a forward: the cache back to this step's blocks (it may hold kept steps' blocks).
    private func cutCache() throws {
        future = []
        if loop.cache.length > cacheLength { try loop.cache.truncate(to: cacheLength) }
    }

    private func land(_ outcome: Work.Outcome) throws -> StepRecord? {
        let (next, step) = try outcome.result.get()
        guard let step else {
            loop = next
            return nil
        }
        do {
            let record = try recorder.append(step, settings: settings, millis: outcome.millis)
            before.append((loop, cacheLength))
            loop = next
            cacheLength = next.cache.length
            forwardPassesRun += 1
            return record
        } catch {
            try? loop.cache.truncate(to: outcome.cacheLength)
            throw error
        }
    }

    /// One forward on a copy of the loop, so that a failure or a cancellation leaves the
    /// session's own loop untouched (the cache is cut back to `cacheLength`).
    private final class Work: @unchecked Sendable {
        // @unchecked: the copy is only touched on the forward queue until it is handed back.
        struct Outcome: @unchecked Sendable {
            var result: Result<(BlockLoop, BlockStep?), Error>
            var millis: Double
            var cacheLength: Int
        }

        private var loop: BlockLoop
        let cacheLength: Int

        init(loop: BlockLoop) {
            self.loop = loop
            cacheLength = loop.cache.length
        }

        func run() -> Outcome {
            let started = DispatchTime.now().uptimeNanoseconds
            let result = Result { () throws -> (BlockLoop, BlockStep?) in
                do {
                    let step = try loop.next()
                    return (loop, step)
                } catch {
                    try? loop.cache.truncate(to: cacheLength)
                    throw error
                }
            }
            return Outcome(result: result, millis: Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6,
                           cacheLength: cacheLength)
        }
    }
}

extension BlockDecodeRule {
    /// "sdar", "fast_dllm_v2" or "llada2" (the transcript's family).
    public var family: String {
        switch self {
        case .sdar: "sdar"
        case .fastDLLMv2: "fast_dllm_v2"
        case .llada2: "llada2"
        }
    }
}
