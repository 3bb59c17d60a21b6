import Models

/// Fast-dLLM v2's `generate` at temperature 0 (the hub modeling.py; docs/block-diffusion.md):
/// blocks of the prompt's tail plus masks, filled one sub-block at a time from logits shifted by
/// one inside the block; a full block is stored and its last logit gives the next token
/// autoregressively. Positions come from the cache's length, not the canvas (with a prompt of
/// exactly one block there is no prefill and the first block sits at positions 0..<B).
struct FastDLLMv2Loop {
    let model: BlockDiffusionModel
    let prompt: [Int]
    let maskId: Int
    let blockLength: Int
    let maxNewTokens: Int
    let rule: FastDLLMv2DecodeRule

    func run(onStep: (BlockStep) throws -> Void) throws -> BlockDecodeResult {
        let B = blockLength, small = rule.subBlockLength, P0 = prompt.count, stop = rule.stopToken
        var ids = prompt
        var steps: [BlockStep] = []
        func emit(_ step: BlockStep) throws { steps.append(step); try onStep(step) }
        let cache = model.makeBlockCache(capacity: P0 + maxNewTokens + 2 * B, blockLength: B)
        if P0 > B {
            let n = P0 / B * B
            let logits = try model.store(tokens: Array(ids[..<n]), at: 0, in: cache, rows: [n - 1])
            var record = BlockStep(kind: .prefill, block: 0, step: 0, forward: 0..<n)
            if P0 % B == 0 {
                let next = GreedyRow(logits.row(0))
                ids.append(next.token)
                record.appended = .init(position: ids.count - 1, token: next.token, probability: next.probability)
                record.rows[ids.count - 1] = RowStatistics.unsampled(logits)[0]
            }
            try emit(record)
        }
        for _ in 0..<(maxNewTokens / B) {
            if ids[P0...].contains(stop) { break }
            let plen = ids.count
            var canvas = ids + Array(repeating: maskId, count: B - plen % B)
            let lo = canvas.count - B
            var step = 0
            /// The stop token is out with no mask before it.
            func stopReady() -> Bool {
                guard let at = canvas[plen...].firstIndex(of: stop) else { return false }
                return !canvas[plen..<at].contains(maskId)
            }
            while !stopReady() {
                if !canvas[lo...].contains(maskId) {
                    let start = cache.length
                    let logits = try model.store(tokens: Array(canvas[lo...]), at: start, in: cache, rows: [B - 1])
                    let next = GreedyRow(logits.row(0))
                    canvas.append(next.token)
                    var record = BlockStep(kind: .store, block: lo / B, step: step, forward: start..<(start + B))
                    record.appended = .init(position: canvas.count - 1, token: next.token, probability: next.probability)
                    record.rows[canvas.count - 1] = RowStatistics.unsampled(logits)[0]
                    try emit(record)
                    break
                }
                for sub in 0..<(B / small) {
                    let first = sub * small
                    while canvas[(lo + first)..<(lo + first + small)].contains(maskId) && !stopReady() {
                        let start = cache.length
                        var record = BlockStep(kind: .denoise, block: lo / B, step: step, forward: start..<(start + B))
                        step += 1
                        // Row i of the block reads logits row i − 1, row 0 its own.
                        let logits = try model.blockLogits(tokens: Array(canvas[lo...]), at: start, cache: cache,
                                                           rows: (first..<(first + small)).map { max(0, $0 - 1) })
                        let rows = (0..<small).map { GreedyRow(logits.row($0)) }
                        let masked = (0..<small).map { canvas[lo + first + $0] == maskId }
                        for (i, statistics) in RowStatistics.unsampled(logits).enumerated() where masked[i] {
                            record.rows[lo + first + i] = statistics
                        }
                        let p = (0..<small).map { masked[$0] ? rows[$0].probability : -Float.infinity }
                        var best = 0
                        for i in 1..<small where p[i] > p[best] { best = i }
                        for i in 0..<small where masked[i] && (p[i] > Float(rule.threshold) || i == best) {
                            canvas[lo + first + i] = rows[i].token
                            record.commits.append(.init(position: lo + first + i, token: rows[i].token, probability: p[i]))
                        }
                        try emit(record)
                    }
                }
            }
            ids = canvas
        }
        var returned = ids
        if let at = ids[P0...].firstIndex(of: stop) { returned = Array(ids[...at]) }
        return BlockDecodeResult(ids: returned, steps: steps, canvas: ids, promptLength: P0)
    }
}
