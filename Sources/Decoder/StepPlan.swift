import Dispatch
import Foundation
import Kernels
import Models

/// One step's inputs, snapshotted so that the step can run on a worker thread while the caller
/// keeps its session; `run()` is a pure function of them (and the model's weights).
struct StepPlan: @unchecked Sendable {
    // @unchecked: the model is only touched on the forward queue, one call at a time.
    let model: DenoisingModel
    let vocabulary: VocabularyFacts
    let canvas: Canvas
    let settings: DecodeSettings
    /// 1-based step index over the whole decode.
    let step: Int
    let block: Int
    let blocks: BlockLayout
    let stepsSpentInBlock: Int
    /// Set when the settings ask for a cache.
    let cached: CachedForward?

    /// Forward → statistics of every masked row → candidates of the current block → ranking →
    /// parallelism → commits (ARCHITECTURE.md, "Data flow of one step"). Throws when the model
    /// does (a remote model's server is unreachable); the session is then left as it was.
    func run() throws -> StepRecord {
        let started = DispatchTime.now().uptimeNanoseconds
        let request = statisticsRequest
        let (rows, passes, forwardNanos) = try statistics(request)
        return try finish(rows, passes: passes, forwardNanos: forwardNanos, started: started)
    }

    /// A cached step computes only its window's rows; the dual cache's later blocks keep the
    /// statistics their block's first step gave them.
    private var window: Range<Int> {
        cached.flatMap { $0.runsWholeCanvas ? nil : $0.window } ?? 0..<canvas.tokens.count
    }

    private var maskedInWindow: [Int] {
        let window = window
        return canvas.maskedPositions.filter { window.contains(canvas.canvasIndex($0)) }
    }

    /// The question this step asks of its model's masked rows.
    var statisticsRequest: StatisticsRequest {
        let masked = maskedInWindow
        let blockRange = blocks.range(ofBlock: block)
        return StatisticsRequest(
            canvas: canvas.tokens, promptLength: canvas.promptIds.count,
            rows: masked.map { model.predictionRow(canvas.canvasIndex($0)) },
            samplePositions: masked.map { blockRange.contains($0) ? $0 : nil }, step: step, seed: settings.seed,
            temperature: settings.temperature, maskId: vocabulary.maskId,
            suppressedToken: settings.suppressEOS ? vocabulary.eosId : nil, cfgScale: settings.cfgScale)
    }

    /// Whether the step can be asked of a `StatisticsModel` together with other sessions' steps.
    var isBatchable: Bool { cached == nil && model is StatisticsModel }

    /// The step from its rows' statistics (one per row of `statisticsRequest`).
    /// Throws when a row's logits were not finite: nothing of such a step is committed.
    func finish(_ rows: [RowStatistics], passes: Int, forwardNanos: UInt64, started: UInt64) throws -> StepRecord {
        let window = window, masked = maskedInWindow
        let noise = NoiseStreams(seed: settings.seed)
        var candidates: [Candidate] = []
        var entropies = [Float?](repeating: nil, count: canvas.generationLength)
        var guesses = [Int?](repeating: nil, count: canvas.generationLength)
        var tops = [[TokenProbability]?](repeating: nil, count: canvas.generationLength)
        if let carried = cached?.carried {
            for position in canvas.maskedPositions where !window.contains(canvas.canvasIndex(position)) {
                entropies[position] = carried.maskedEntropyNats[position]
                guesses[position] = carried.maskedGuesses[position]
                if carried.topCandidates.indices.contains(position) { tops[position] = carried.topCandidates[position] }
            }
        }
        for (statistics, position) in zip(rows, masked) {
            guard statistics.logitsFinite else {
                throw DecodeStepError.nonFiniteLogits(model: model.modelName, step: step, position: position,
                                                      canvasIndex: canvas.canvasIndex(position))
            }
            entropies[position] = statistics.entropyNats
            if !statistics.topCandidates.isEmpty { tops[position] = statistics.topCandidates }
            guard let token = statistics.token else {
                if statistics.topId != vocabulary.maskId { guesses[position] = statistics.topId }
                continue
            }
            guesses[position] = token
            candidates.append(Candidate(
                position: position, token: token, confidence: statistics.tokenProbability,
                entropyNats: statistics.entropyNats, margin: statistics.margin,
                randomKey: settings.order.drawsRandomKey ? noise.uniform(.order, step: step, position: position) : 0,
                deferred: settings.deferEndOfText && vocabulary.isEndOfText(token)))
        }

        let ranked = settings.order.rank(candidates)
        let count = settings.parallelism.commitCount(ranked: ranked, blockCount: blocks.blockCount,
                                                     stepsSpentInBlock: stepsSpentInBlock, order: settings.order)
        let commits = ranked.prefix(count).enumerated().map { index, candidate in
            Commit(position: candidate.position, token: candidate.token, confidence: candidate.confidence,
                   entropyNats: candidate.entropyNats, margin: candidate.margin, rank: index + 1)
        }
        for commit in commits {
            entropies[commit.position] = nil
            guesses[commit.position] = nil
        }
        let finished = DispatchTime.now().uptimeNanoseconds
        return StepRecord(step: step, block: block, settings: settings, commits: commits,
                          maskedEntropyNats: entropies, maskedGuesses: guesses, topCandidates: tops, forwardPasses: passes,
                          forwardMillis: Double(forwardNanos) / 1e6,
                          stepMillis: Double(finished - started) / 1e6)
    }

    /// The rows' statistics: asked of a model that computes them itself, else from local logits.
    private func statistics(_ request: StatisticsRequest) throws -> ([RowStatistics], passes: Int, nanos: UInt64) {
        if cached == nil, let remote = model as? StatisticsModel {
            let start = DispatchTime.now().uptimeNanoseconds
            let rows = try remote.statistics([request])
            guard rows.count == 1, rows[0].count == request.rows.count else {
                throw StatisticsModelError.wrongRowCount(expected: request.rows.count, got: rows.first?.count ?? 0)
            }
            return (rows[0], request.forwardPasses, DispatchTime.now().uptimeNanoseconds - start)
        }
        var (logits, passes, nanos) = try forward(rows: request.rows)
        return (request.statistics(of: &logits), passes, nanos)
    }

    /// Logits of the masked rows; with CFG, u + (s + 1)(c − u) where u comes from the canvas with
    /// the prompt masked (LLaDA generate.py, cfg_scale).
    private func forward(rows: [Int]) throws -> (LogitsMatrix, passes: Int, nanos: UInt64) {
        var nanos: UInt64 = 0
        func timed(_ tokens: [Int]) throws -> LogitsMatrix {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try model.logits(canvas: tokens, positions: rows)
            nanos += DispatchTime.now().uptimeNanoseconds - start
            return result
        }
        if let cached { return try cachedForward(cached, rows: rows) }
        var conditional = try timed(canvas.tokens)
        guard settings.cfgScale > 0 else { return (conditional, 1, nanos) }
        var unconditionalCanvas = canvas.tokens
        for index in canvas.promptIds.indices { unconditionalCanvas[index] = vocabulary.maskId }
        let unconditional = try timed(unconditionalCanvas)
        let scale = settings.cfgScale + 1
        for i in conditional.values.indices {
            let u = unconditional.values[i]
            conditional.values[i] = u + scale * (conditional.values[i] - u)
        }
        return (conditional, 2, nanos)
    }

    /// Fills the cache first when the block starts here or it holds another canvas (after a
    /// step back into an earlier block), so a replayed step sees what the first run saw.
    private func cachedForward(_ cached: CachedForward, rows: [Int]) throws -> (LogitsMatrix, passes: Int, nanos: UInt64) {
        let start = DispatchTime.now().uptimeNanoseconds
        let model = cached.cache.model, kv = cached.cache.kv
        var passes = 1
        let logits: LogitsMatrix
        if cached.runsWholeCanvas {
            logits = try model.logits(canvas: canvas.tokens, positions: rows, filling: kv)
        } else {
            if let fill = cached.fill {
                _ = try model.logits(canvas: fill, positions: [], filling: kv)
                passes += 1
            }
            logits = try model.logits(canvas: canvas.tokens, window: cached.window, positions: rows, cache: kv)
        }
        return (logits, passes, DispatchTime.now().uptimeNanoseconds - start)
    }
}
