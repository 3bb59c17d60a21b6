import Models

/// diffusers' LLaDA2Pipeline at temperature 0 (docs/block-diffusion.md), in the exact-cache form:
/// per block, steps that commit masks by threshold with the schedule as floor and (LLaDA2.1) edit
/// generated tokens the model now prefers with p > the edit threshold; after the masks are gone,
/// post steps go on while they edit; the EOS early stop ends the decode.
struct LLaDA2Loop {
    let model: BlockDiffusionModel
    let prompt: [Int]
    let maskId: Int
    let blockLength: Int
    let generationLength: Int
    let rule: LLaDA2DecodeRule

    func run(onStep: (BlockStep) throws -> Void) throws -> BlockDecodeResult {
        let B = blockLength, P = prompt.count
        let stepCount = min(rule.steps, generationLength / rule.minimalTopK)
        let schedule = transferCounts(blockLength: B, steps: max(1, stepCount))
        let blockCount = (P + generationLength + B - 1) / B
        var x = prompt + Array(repeating: maskId, count: blockCount * B - P)
        var steps: [BlockStep] = []
        func emit(_ step: BlockStep) throws { steps.append(step); try onStep(step) }
        let cache = model.makeBlockCache(capacity: blockCount * B, blockLength: B)
        // The pipeline's padding past prompt + generation is decoded but never attended to.
        cache.keyLimit = P + generationLength
        let prefill = P / B
        if prefill > 0 {
            try model.store(tokens: Array(x[..<(prefill * B)]), at: 0, in: cache)
            try emit(BlockStep(kind: .prefill, block: 0, step: 0, forward: 0..<(prefill * B)))
        }
        var finished = false
        for block in prefill..<blockCount {
            let lo = block * B, hi = lo + B
            var post = 0, step = 0
            while true {
                let current = Array(x[lo..<hi])
                let masked = current.map { $0 == maskId }
                let masksRemaining = masked.contains(true)
                if !masksRemaining { post += 1 }
                var record = BlockStep(kind: masksRemaining ? .denoise : .post, block: block, step: step, forward: lo..<hi)
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
                    x[lo + i] = rows[i].token
                    record.commits.append(.init(position: lo + i, token: rows[i].token, probability: rows[i].probability))
                }
                for i in edit {
                    x[lo + i] = rows[i].token
                    record.edits.append(.init(position: lo + i, old: current[i], new: rows[i].token, probability: rows[i].probability))
                }
                if rule.earlyStop, let eos = rule.eosId, (commit + edit).contains(where: { rows[$0].token == eos }) {
                    finished = Self.eosFinished(Array(x[..<hi]), promptLength: P, eos: eos, maskId: maskId)
                }
                if masksRemaining { step += 1 }
                try emit(record)
                if finished || (!masksRemaining && (!rule.edits || edit.isEmpty))
                    || (masksRemaining && step >= stepCount) || (!masksRemaining && post > rule.postSteps) {
                    break
                }
            }
            try model.store(tokens: Array(x[lo..<hi]), at: lo, in: cache)
            try emit(BlockStep(kind: .store, block: block, step: step, forward: lo..<hi))
            if rule.earlyStop && finished { break }
        }
        return BlockDecodeResult(ids: Array(x[P..<(P + generationLength)]), steps: steps, canvas: x, promptLength: P)
    }

    /// The first EOS of the window is generated and no mask precedes it.
    static func eosFinished(_ window: [Int], promptLength P: Int, eos: Int, maskId: Int) -> Bool {
        guard let at = window.firstIndex(of: eos) else { return false }
        return at >= P && !window[P..<at].contains(maskId)
    }
}
