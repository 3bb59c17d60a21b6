import Models

/// diffusers' LLaDA2Pipeline at temperature 0 (docs/block-diffusion.md), in the exact-cache form:
/// per block, steps that commit masks by threshold with the schedule as floor and (LLaDA2.1) edit
/// generated tokens the model now prefers with p > the edit threshold; after the masks are gone,
/// post steps go on while they edit; the EOS early stop ends the decode. A value: `next()` runs
/// one forward, and a copy taken before it (with the cache cut back) resumes exactly there; the
/// rule may change between forwards (the scope's editing key).
struct LLaDA2Loop: BlockLoop {
    let model: BlockDiffusionModel
    var rule: LLaDA2DecodeRule
    private(set) var canvas: WholeBlockCanvas
    private var step = 0
    private var post = 0
    /// The block's steps are over; its store is the next forward.
    private var storePending = false
    private var finished = false
    private var done = false

    init(model: BlockDiffusionModel, prompt: [Int], maskId: Int, blockLength B: Int, generationLength: Int, rule: LLaDA2DecodeRule) {
        self.model = model
        self.rule = rule
        canvas = WholeBlockCanvas(model: model, prompt: prompt, maskId: maskId, blockLength: B, generationLength: generationLength)
        // The pipeline's padding past prompt + generation is decoded but never attended to.
        canvas.cache.keyLimit = prompt.count + generationLength
    }

    var cache: BlockKVCache { canvas.cache }

    mutating func next() throws -> BlockStep? {
        let B = canvas.blockLength, P = canvas.prompt.count
        if let prefill = try canvas.prefill(model) { return prefill }
        guard canvas.block < canvas.blockCount, !done else { return nil }
        let lo = canvas.block * B, hi = lo + B
        if storePending {
            try model.store(tokens: Array(canvas.x[lo..<hi]), at: lo, in: cache)
            let record = BlockStep(kind: .store, block: canvas.block, step: step, forward: lo..<hi)
            storePending = false
            if rule.earlyStop && finished { done = true }
            canvas.block += 1
            step = 0
            post = 0
            return record
        }
        let stepCount = min(rule.steps, canvas.generationLength / rule.minimalTopK)
        let schedule = transferCounts(blockLength: B, steps: max(1, stepCount))
        let current = Array(canvas.x[lo..<hi])
        let masked = current.map { $0 == canvas.maskId }
        let masksRemaining = masked.contains(true)
        if !masksRemaining { post += 1 }
        var record = BlockStep(kind: masksRemaining ? .denoise : .post, block: canvas.block, step: step, forward: lo..<hi)
        let logits = try model.blockLogits(tokens: current, at: lo, cache: cache, rows: Array(0..<B))
        let rows = (0..<B).map { GreedyRow(logits.row($0)) }
        for (i, statistics) in RowStatistics.unsampled(logits).enumerated() where masked[i] { record.rows[lo + i] = statistics }
        var commit: [Int] = []
        if masksRemaining {
            let n = schedule[min(step, schedule.count - 1)]
            let masks = (0..<B).filter { masked[$0] }
            let high = masks.filter { rows[$0].probability > Float(rule.threshold) }
            if high.count >= n {
                commit = high
            } else {
                let ranked = masks.sorted { (rows[$0].probability, -$0) > (rows[$1].probability, -$1) }
                commit = Array(ranked.prefix(min(n, ranked.count))).sorted()
            }
        }
        var edit: [Int] = []
        if rule.edits, let threshold = rule.editThreshold {
            // Positions generated before this step, not its own commits.
            edit = (0..<B).filter { !masked[$0] && lo + $0 >= P && rows[$0].probability > Float(threshold)
                && rows[$0].token != current[$0] }
        }
        for i in commit {
            canvas.x[lo + i] = rows[i].token
            record.commits.append(.init(position: lo + i, token: rows[i].token, probability: rows[i].probability))
        }
        for i in edit {
            canvas.x[lo + i] = rows[i].token
            record.edits.append(.init(position: lo + i, old: current[i], new: rows[i].token, probability: rows[i].probability))
        }
        if rule.earlyStop, let eos = rule.eosId, (commit + edit).contains(where: { rows[$0].token == eos }) {
            finished = Self.eosFinished(Array(canvas.x[..<hi]), promptLength: P, eos: eos, maskId: canvas.maskId)
        }
        if masksRemaining { step += 1 }
        if finished || (!masksRemaining && (!rule.edits || edit.isEmpty))
            || (masksRemaining && step >= stepCount) || (!masksRemaining && post > rule.postSteps) {
            storePending = true
        }
        return record
    }

    mutating func adopt(_ rule: BlockDecodeRule) {
        if case let .llada2(rule) = rule { self.rule = rule }
    }

    var result: BlockDecodeResult {
        let P = canvas.prompt.count
        return BlockDecodeResult(ids: Array(canvas.x[P..<(P + canvas.generationLength)]), steps: [], canvas: canvas.x,
                                 promptLength: P)
    }

    var currentBlock: Int? { canvas.block < canvas.blockCount && !done ? canvas.block : nil }

    /// The first EOS of the window is generated and no mask precedes it.
    static func eosFinished(_ window: [Int], promptLength P: Int, eos: Int, maskId: Int) -> Bool {
        guard let at = window.firstIndex(of: eos) else { return false }
        return at >= P && !window[P..<at].contains(maskId)
    }
}
