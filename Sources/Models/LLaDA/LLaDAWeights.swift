import Kernels

/// The tensors of one LLaDA block, in stored precision ([out × in], like PyTorch Linear).
public struct LLaDABlockWeights: Sendable {
    public let attentionNorm: [Float]       // (d)
    public let query: WeightMatrix          // (n_heads·head_dim, d)
    public let key: WeightMatrix            // (n_kv_heads·head_dim, d)
    public let value: WeightMatrix          // (n_kv_heads·head_dim, d)
    public let attentionOutput: WeightMatrix // (d, d)
    public let feedForwardNorm: [Float]     // (d)
    public let gate: WeightMatrix           // (hidden, d)  ff_proj
    public let up: WeightMatrix             // (hidden, d)  up_proj
    public let down: WeightMatrix           // (d, hidden)  ff_out
}

/// All tensors of a LLaDA model, looked up by their Hugging Face names.
public struct LLaDAWeights: @unchecked Sendable {
    public let tokenEmbedding: WeightMatrix // (embedding_size, d)  wte
    public let blocks: [LLaDABlockWeights]
    public let finalNorm: [Float]           // (d)  ln_f
    public let outputHead: WeightMatrix     // (embedding_size, d)  ff_out, or wte when tied
    /// Keeps the mapped files or allocations behind the matrices alive.
    public let source: WeightSource

    public init(config: LLaDAConfig, source: WeightSource) throws {
        let d = config.dModel, kv = config.nKVHeads * config.headDim, hidden = config.mlpHiddenSize
        let prefix = "model.transformer."
        tokenEmbedding = try source.matrix(prefix + "wte.weight", rows: config.embeddingSize, columns: d)
        blocks = try (0..<config.nLayers).map { n in
            let block = prefix + "blocks.\(n)."
            return LLaDABlockWeights(
                attentionNorm: try source.vector(block + "attn_norm.weight", count: d),
                query: try source.matrix(block + "q_proj.weight", rows: d, columns: d),
                key: try source.matrix(block + "k_proj.weight", rows: kv, columns: d),
                value: try source.matrix(block + "v_proj.weight", rows: kv, columns: d),
                attentionOutput: try source.matrix(block + "attn_out.weight", rows: d, columns: d),
                feedForwardNorm: try source.vector(block + "ff_norm.weight", count: d),
                gate: try source.matrix(block + "ff_proj.weight", rows: hidden, columns: d),
                up: try source.matrix(block + "up_proj.weight", rows: hidden, columns: d),
                down: try source.matrix(block + "ff_out.weight", rows: d, columns: hidden))
        }
        finalNorm = try source.vector(prefix + "ln_f.weight", count: d)
        outputHead = config.weightTying
            ? tokenEmbedding
            : try source.matrix(prefix + "ff_out.weight", rows: config.embeddingSize, columns: d)
        self.source = source
    }
}
