import Models

/// JetAstra/SDAR generate.py's `block_diffusion_generate` at temperature 0 (docs/block-diffusion.md):
/// prefill the prompt's whole blocks; per block up to steps + 1 forwards of the block against the
/// cache, one more storing it once it has no mask; stop after a block holding a stop id.
struct SDARLoop {
    let model: BlockDiffusionModel
    let prompt: [Int]
    let maskId: Int
    let blockLength: Int
    let generationLength: Int
    let rule: SDARDecodeRule

    func run(onStep: (BlockStep) throws -> Void) throws -> BlockDecodeResult {
        let B = blockLength, P = prompt.count
        let blockCount = (P + generationLength + B - 1) / B
        var x = prompt + Array(repeating: maskId, count: blockCount * B - P)
        var steps: [BlockStep] = []
        func emit(_ step: BlockStep) throws { steps.append(step); try onStep(step) }
        let cache = model.makeBlockCache(capacity: blockCount * B, blockLength: B)
        let prefill = P / B
        if prefill > 0 {
            try model.store(tokens: Array(x[..<(prefill * B)]), at: 0, in: cache)
            try emit(BlockStep(kind: .prefill, block: 0, step: 0, forward: 0..<(prefill * B)))
        }
        let schedule = transferCounts(blockLength: B, steps: rule.stepsPerBlock)
        for block in prefill..<blockCount {
            let lo = block * B
            var stored = false
            for step in 0...rule.stepsPerBlock {
                let current = Array(x[lo..<(lo + B)])
                let masks = current.indices.filter { current[$0] == maskId }
                if masks.isEmpty {
                    try model.store(tokens: current, at: lo, in: cache)
                    try emit(BlockStep(kind: .store, block: block, step: step, forward: lo..<(lo + B)))
                    stored = true
                    break
                }
                if step == rule.stepsPerBlock && rule.strategy != .entropyBounded {
                    throw BlockDecodeError.masksLeft(block: block, steps: rule.stepsPerBlock)
                }
                let logits = try model.blockLogits(tokens: current, at: lo, cache: cache, rows: masks)
                var rows: [Int: GreedyRow] = [:]
                for (row, i) in masks.enumerated() { rows[i] = GreedyRow(logits.row(row)) }
                let n = schedule[min(step, rule.stepsPerBlock - 1)]
                var record = BlockStep(kind: .denoise, block: block, step: step, forward: lo..<(lo + B))
                for (row, statistics) in RowStatistics.unsampled(logits).enumerated() { record.rows[lo + masks[row]] = statistics }
                for i in select(masks: masks, rows: rows, count: n, blockLength: B) {
                    x[lo + i] = rows[i]!.token
                    record.commits.append(.init(position: lo + i, token: rows[i]!.token, probability: rows[i]!.probability))
                }
                try emit(record)
            }
            if !stored { throw BlockDecodeError.masksLeft(block: block, steps: rule.stepsPerBlock + 1) }
            if !rule.stopIds.isEmpty, x[P...].contains(where: rule.stopIds.contains) { break }
        }
        return BlockDecodeResult(ids: x, steps: steps, canvas: x, promptLength: P)
    }

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
