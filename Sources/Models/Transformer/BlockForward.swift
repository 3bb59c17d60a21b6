import Kernels

/// The block-causal forward of a block-diffusion model on the shared stack: new tokens at
/// positions start..<start + T attend to the cache's committed positions and to each other, the
/// query at p to the keys j with j / B ≤ p / B.
extension TransformerModel {
    public func makeBlockCache(capacity: Int, blockLength: Int) -> BlockKVCache {
        BlockKVCache(capacity: capacity, blockLength: blockLength, layers: config.nLayers,
                     width: config.nKVHeads * config.headDim)
    }

    /// Runs `tokens` at positions `start...` against `cache` and returns the logits of `rows`
    /// (indexes into `tokens`); with `commit` their keys and values stay in the cache.
    public func blockForward(tokens: [Int], start: Int, cache: BlockKVCache, rows: [Int], commit: Bool,
                      timing: ((ForwardPhase, Double) -> Void)? = nil) throws -> LogitsMatrix {
        let T = tokens.count, d = config.dModel
        guard T > 0 else { throw ForwardError.emptyCanvas }
        if let bad = tokens.first(where: { !(0..<config.embeddingSize).contains($0) }) {
            throw ForwardError.tokenOutsideEmbedding(bad, rows: config.embeddingSize)
        }
        if let bad = rows.first(where: { !(0..<T).contains($0) }) {
            throw BlockCacheError.rowOutsideTokens(bad, tokens: T)
        }
        try cache.checkForward(start: start, count: T)
        let a = activations(forRows: T)
        var clock = PhaseClock(report: timing)
        for (row, token) in tokens.enumerated() {
            weights.tokenEmbedding.copyRow(token, into: a.x + row * d)
        }
        clock.lap(.embedding)
        let window = start..<(start + T)
        for (index, block) in weights.blocks.enumerated() {
            forwardBlock(block, layer: index, window: window, a, cache: nil, attendsToCache: false, blockCache: cache)
            clock.lap(.block(index))
        }
        let result = head(a, rows: rows)
        clock.lap(.head)
        if commit { try cache.commit(upTo: window.upperBound) }
        return result
    }

    /// Attention of the window's rows (q already rotated): their keys, rotated at their
    /// positions, and values go into the cache after its committed rows; each run of queries in
    /// one block then reads the keys up to that block's end. The key count a query sees is the
    /// same here as in a forward of the whole prefix, so the scores sum in the same order.
    func blockCausalAttention(layer: Int, window: Range<Int>, _ a: Activations, cache: BlockKVCache) {
        let heads = config.nHeads, kvHeads = config.nKVHeads, headDim = config.headDim
        let B = cache.blockLength, qStride = heads * headDim
        rotary.apply(a.k, rows: window.count, heads: kvHeads, firstPosition: window.lowerBound)
        cache.write(layer: layer, keys: a.k, values: a.v, first: window.lowerBound, count: window.count)
        var position = window.lowerBound
        while position < window.upperBound {
            let blockEnd = min(window.upperBound, (position / B + 1) * B)
            let visible = min(blockEnd, max(1, cache.keyLimit ?? blockEnd))
            let row = position - window.lowerBound
            bidirectionalAttention(q: a.q + row * qStride, queries: blockEnd - position,
                                   k: cache.keys[layer], v: cache.values[layer], keys: visible,
                                   heads: heads, kvHeads: kvHeads, headDim: headDim,
                                   into: a.attended + row * qStride, threads: threads)
            position = blockEnd
        }
    }
}

extension TransformerModel: BlockDiffusionModel {
    /// The block length of config.json; 1 (plain causal) for a model without one, which the
    /// decoder never treats as a block model (`isBlockDiffusion`).
    public var blockLength: Int { config.blockLength ?? 1 }

    public var isBlockDiffusion: Bool { config.blockLength != nil }


    @discardableResult
    public func store(tokens: [Int], at start: Int, in cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix {
        try blockForward(tokens: tokens, start: start, cache: cache, rows: rows, commit: true)
    }

    public func blockLogits(tokens: [Int], at start: Int, cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix {
        try blockForward(tokens: tokens, start: start, cache: cache, rows: rows, commit: false)
    }
}
