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
    /// parallelism → commits (ARCHITECTURE.md, "Data flow of one step").
    func run() throws -> StepRecord {
        let started = DispatchTime.now().uptimeNanoseconds
        // A cached step computes only its window's rows; the dual cache's later blocks keep the
        // statistics their block's first step gave them.
        let window = cached.flatMap { $0.runsWholeCanvas ? nil : $0.window } ?? 0..<canvas.tokens.count
        let masked = canvas.maskedPositions.filter { window.contains(canvas.canvasIndex($0)) }
        var (logits, passes, forwardNanos) = try forward(rows: masked.map { model.predictionRow(canvas.canvasIndex($0)) })

        let blockRange = blocks.range(ofBlock: block)
        let sampler = Sampler(temperature: settings.temperature, maskId: vocabulary.maskId)
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
        let columns = logits.columns
        try logits.values.withUnsafeMutableBufferPointer { all in
            for (row, position) in masked.enumerated() {
                let logitsRow = UnsafeMutableBufferPointer(rebasing: all[(row * columns)..<((row + 1) * columns)])
                if settings.suppressEOS { Self.suppress(vocabulary.eosId, in: logitsRow) }
                let statistics = SoftmaxStatistics(logits: logitsRow.baseAddress!, count: columns)
                guard statistics.isFinite else {
                    throw DecodeStepError.nonFiniteLogits(model: model.modelName, step: step, position: position,
                                                          canvasIndex: canvas.canvasIndex(position))
                }
                entropies[position] = statistics.entropyNats
                // p = exp(logit − max) / Z, and the top token's p is 1 / Z.
                tops[position] = topCandidates(UnsafeBufferPointer(logitsRow), k: TokenProbability.recordedCount).map {
                    TokenProbability(token: $0.index, probability: statistics.topProbability * Float(exp(Double($0.value - logitsRow[statistics.topId]))))
                }
                guard blockRange.contains(position) else {
                    if statistics.topId != vocabulary.maskId { guesses[position] = statistics.topId }
                    continue
                }
                let readOnly = UnsafeBufferPointer(logitsRow)
                let token = sampler.token(row: readOnly, statistics: statistics) {
                    noise.stream(.gumbel, step: step, position: position)
                }
                guesses[position] = token
                candidates.append(Candidate(
                    position: position, token: token,
                    confidence: Sampler.probability(of: token, row: readOnly, statistics: statistics),
                    entropyNats: statistics.entropyNats, margin: statistics.margin,
                    randomKey: settings.order.drawsRandomKey ? noise.uniform(.order, step: step, position: position) : 0,
                    deferred: settings.deferEndOfText && vocabulary.isEndOfText(token)))
            }
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

    /// LLaDA sets the EOS logit to −∞ (logits_eos_inf); a value 10⁴ below the row's maximum has
    /// the same softmax (p underflows to 0) while keeping p·log p finite in the entropy.
    private static func suppress(_ token: Int, in row: UnsafeMutableBufferPointer<Float>) {
        guard row.indices.contains(token) else { return }
        row[token] = (row.max() ?? 0) - 10_000
    }
}
