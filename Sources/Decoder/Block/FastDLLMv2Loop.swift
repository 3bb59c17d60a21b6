import Models

/// Fast-dLLM v2's `generate` at temperature 0 (the hub modeling.py; docs/block-diffusion.md):
/// blocks of the prompt's tail plus masks, filled one sub-block at a time from logits shifted by
/// one inside the block; a full block is stored and its last logit gives the next token
/// autoregressively. Positions come from the cache's length, not the canvas (with a prompt of
/// exactly one block there is no prefill and the first block sits at positions 0..<B).
/// A value: `next()` runs one forward, and a copy taken before it (with the cache cut back)
/// resumes exactly there.
struct FastDLLMv2Loop: BlockLoop {
    let model: BlockDiffusionModel
    let prompt: [Int]
    let maskId: Int
    let blockLength: Int
    let maxNewTokens: Int
    var rule: FastDLLMv2DecodeRule
    let cache: BlockKVCache
    /// Prompt and the blocks finished so far (each with its AR token).
    private var ids: [Int]
    /// The block being filled: ids + masks to the next multiple of B; nil between blocks.
    private var canvas: [Int]?
    private var plen = 0
    private var blocksStarted = 0
    private var step = 0
    private var sub = 0
    private var prefilled = false
    private var done = false

    init(model: BlockDiffusionModel, prompt: [Int], maskId: Int, blockLength B: Int, maxNewTokens: Int, rule: FastDLLMv2DecodeRule) {
        self.model = model
        self.prompt = prompt
        self.maskId = maskId
        self.blockLength = B
        self.maxNewTokens = maxNewTokens
        self.rule = rule
        ids = prompt
        cache = model.makeBlockCache(capacity: prompt.count + maxNewTokens + 2 * B, blockLength: B)
    }

    mutating func next() throws -> BlockStep? {
        let B = blockLength, small = rule.subBlockLength, P0 = prompt.count
        if !prefilled {
            prefilled = true
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
                return record
            }
        }
        while !done {
            guard var window = canvas else {
                if blocksStarted == maxNewTokens / B || ids[P0...].contains(rule.stopToken) {
                    done = true
                    break
                }
                blocksStarted += 1
                plen = ids.count
                canvas = ids + Array(repeating: maskId, count: B - plen % B)
                step = 0
                sub = 0
                continue
            }
            let lo = window.count - B
            if stopReady(window) {
                ids = window
                canvas = nil
                continue
            }
            if !window[lo...].contains(maskId) {
                let start = cache.length
                let logits = try model.store(tokens: Array(window[lo...]), at: start, in: cache, rows: [B - 1])
                let next = GreedyRow(logits.row(0))
                window.append(next.token)
                var record = BlockStep(kind: .store, block: lo / B, step: step, forward: start..<(start + B))
                record.appended = .init(position: window.count - 1, token: next.token, probability: next.probability)
                record.rows[window.count - 1] = RowStatistics.unsampled(logits)[0]
                ids = window
                canvas = nil
                return record
            }
            // Sub-blocks fill in order; the first one with a mask is the one being filled.
            while !window[(lo + sub * small)..<(lo + sub * small + small)].contains(maskId) { sub += 1 }
            let first = sub * small
            let start = cache.length
            var record = BlockStep(kind: .denoise, block: lo / B, step: step, forward: start..<(start + B))
            step += 1
            // Row i of the block reads logits row i − 1, row 0 its own.
            let logits = try model.blockLogits(tokens: Array(window[lo...]), at: start, cache: cache,
                                               rows: (first..<(first + small)).map { max(0, $0 - 1) })
            let rows = (0..<small).map { GreedyRow(logits.row($0)) }
            let masked = (0..<small).map { window[lo + first + $0] == maskId }
            for (i, statistics) in RowStatistics.unsampled(logits).enumerated() where masked[i] {
                record.rows[lo + first + i] = statistics
            }
            let p = (0..<small).map { masked[$0] ? rows[$0].probability : -Float.infinity }
            var best = 0
            for i in 1..<small where p[i] > p[best] { best = i }
            for i in 0..<small where masked[i] && (p[i] > Float(rule.threshold) || i == best) {
                window[lo + first + i] = rows[i].token
                record.commits.append(.init(position: lo + first + i, token: rows[i].token, probability: p[i]))
            }
            canvas = window
            return record
        }
        return nil
    }

    /// The stop token is out with no mask before it.
    private func stopReady(_ canvas: [Int]) -> Bool {
        guard let at = canvas[plen...].firstIndex(of: rule.stopToken) else { return false }
        return !canvas[plen..<at].contains(maskId)
    }

    mutating func adopt(_ rule: BlockDecodeRule) {
        if case let .fastDLLMv2(rule) = rule { self.rule = rule }
    }

    var result: BlockDecodeResult {
        let all = canvas ?? ids
        var returned = all
        if let at = all[prompt.count...].firstIndex(of: rule.stopToken) { returned = Array(all[...at]) }
        return BlockDecodeResult(ids: returned, steps: [], canvas: all, promptLength: prompt.count)
    }

    /// The canvas block the next forward works on, nil when the decode is over.
    var currentBlock: Int? {
        if let canvas { return stopReady(canvas) ? nil : (canvas.count - blockLength) / blockLength }
        let over = done || blocksStarted == maxNewTokens / blockLength || ids[prompt.count...].contains(rule.stopToken)
        return over ? nil : ids.count / blockLength
    }
}
