import Models

/// JetAstra/SDAR generate.py's `block_diffusion_generate` at temperature 0 (docs/block-diffusion.md):
/// prefill the prompt's whole blocks; per block up to steps + 1 forwards of the block against the
/// cache, one more storing it once it has no mask; stop after a block holding a stop id.
/// A value: `next()` runs one forward, and a copy taken before it (with the cache cut back to
/// its length) resumes exactly there.
struct SDARLoop: BlockLoop {
    let model: BlockDiffusionModel
    var rule: SDARDecodeRule
    private(set) var canvas: WholeBlockCanvas
    private var step = 0
    private var stopped = false

    init(model: BlockDiffusionModel, prompt: [Int], maskId: Int, blockLength B: Int, generationLength: Int, rule: SDARDecodeRule) {
        self.model = model
        self.rule = rule
        canvas = WholeBlockCanvas(model: model, prompt: prompt, maskId: maskId, blockLength: B, generationLength: generationLength)
    }

    var cache: BlockKVCache { canvas.cache }

    mutating func next() throws -> BlockStep? {
        let B = canvas.blockLength
        if let prefill = try canvas.prefill(model) { return prefill }
        guard canvas.block < canvas.blockCount, !stopped else { return nil }
        let lo = canvas.block * B
        // The loop runs steps 0…S; a block not stored by then fails (entropy_bounded may use step S).
        if step > rule.stepsPerBlock { throw BlockDecodeError.masksLeft(block: canvas.block, steps: rule.stepsPerBlock + 1) }
        let current = Array(canvas.x[lo..<(lo + B)])
        let masks = current.indices.filter { current[$0] == canvas.maskId }
        if masks.isEmpty {
            try model.store(tokens: current, at: lo, in: cache)
            let record = BlockStep(kind: .store, block: canvas.block, step: step, forward: lo..<(lo + B))
            canvas.block += 1
            step = 0
            if !rule.stopIds.isEmpty, canvas.x[canvas.prompt.count...].contains(where: rule.stopIds.contains) { stopped = true }
            return record
        }
        if step == rule.stepsPerBlock && rule.strategy != .entropyBounded {
            throw BlockDecodeError.masksLeft(block: canvas.block, steps: rule.stepsPerBlock)
        }
        let logits = try model.blockLogits(tokens: current, at: lo, cache: cache, rows: masks)
        var rows: [Int: GreedyRow] = [:]
        for (row, i) in masks.enumerated() { rows[i] = GreedyRow(logits.row(row)) }
        let schedule = transferCounts(blockLength: B, steps: rule.stepsPerBlock)
        let n = schedule[min(step, rule.stepsPerBlock - 1)]
        var record = BlockStep(kind: .denoise, block: canvas.block, step: step, forward: lo..<(lo + B))
        for (row, statistics) in RowStatistics.unsampled(logits).enumerated() { record.rows[lo + masks[row]] = statistics }
        for i in select(masks: masks, rows: rows, count: n, blockLength: B) {
            canvas.x[lo + i] = rows[i]!.token
            record.commits.append(.init(position: lo + i, token: rows[i]!.token, probability: rows[i]!.probability))
        }
        step += 1
        return record
    }

    mutating func adopt(_ rule: BlockDecodeRule) {
        if case let .sdar(rule) = rule { self.rule = rule }
    }

    var result: BlockDecodeResult {
        BlockDecodeResult(ids: canvas.x, steps: [], canvas: canvas.x, promptLength: canvas.prompt.count)
    }

    /// The block the next forward works on, nil when the decode is over.
    var currentBlock: Int? { canvas.block < canvas.blockCount && !stopped ? canvas.block : nil }

    /// Block-relative indices to commit, in the order generate.py lists them.
    private func select(masks: [Int], rows: [Int: GreedyRow], count n: Int, blockLength: Int) -> [Int] {
        // Most confident first; ties to the lower index. A count beyond the masks takes them all
        // (the evaluation path keeps non-masks as they are).
        let ranked = masks.sorted { (rows[$0]!.probability, -$0) > (rows[$1]!.probability, -$1) }
        switch rule.strategy {
        case .sequential:
            let first = masks[0]
            return (first..<min(first + n, blockLength)).filter(masks.contains)
        case .entropyBounded:
            let entropy = Dictionary(uniqueKeysWithValues: masks.map { ($0, rows[$0]!.entropy) })
            let order = masks.sorted { (entropy[$0]!, $0) < (entropy[$1]!, $1) }
            var cumulative = 0.0, k = 0
            for i in order {
                cumulative += entropy[i]!
                if cumulative < rule.entropyBound { k += 1 }
            }
            return Array(order.prefix(max(1, min(k, masks.count))))
        case .lowConfidenceDynamic:
            let high = masks.filter { rows[$0]!.probability > Float(rule.threshold) }
            if high.count >= n { return high }
            return Array(ranked.prefix(n))
        case .lowConfidenceStatic:
            return Array(ranked.prefix(n))
        }
    }
}
