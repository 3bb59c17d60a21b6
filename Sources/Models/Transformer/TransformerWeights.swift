import Kernels

/// The tensors of one block, in stored precision ([out × in], like PyTorch Linear).
public struct TransformerBlockWeights: Sendable {
    public let attentionNorm: [Float]       // (d)
    public let query: WeightMatrix          // (n_heads·head_dim, d)
    public let key: WeightMatrix            // (n_kv_heads·head_dim, d)
    public let value: WeightMatrix          // (n_kv_heads·head_dim, d)
    public let queryBias: [Float]?          // (n_heads·head_dim)     with traits.qkvBias
    public let keyBias: [Float]?            // (n_kv_heads·head_dim)  with traits.qkvBias
    public let valueBias: [Float]?          // (n_kv_heads·head_dim)  with traits.qkvBias
    public let attentionOutput: WeightMatrix // (d, d)
    public let feedForwardNorm: [Float]     // (d)
    public let gate: WeightMatrix           // (hidden, d)  ff_proj
    public let up: WeightMatrix             // (hidden, d)  up_proj
    public let down: WeightMatrix           // (d, hidden)  ff_out
}

/// All tensors of a block-stack model (llama2.c's `TransformerWeights`), looked up by the names
/// `layout` gives them.
public struct TransformerWeights: @unchecked Sendable {
    public let tokenEmbedding: WeightMatrix // (embedding_size, d)  wte
    public let blocks: [TransformerBlockWeights]
    public let finalNorm: [Float]           // (d)  ln_f
    public let outputHead: WeightMatrix     // (embedding_size, d)  ff_out, or wte when tied
    /// The order of each q/k head's rows, which the rotary embedding must follow.
    public let rotaryPairing: RotaryPairing
    /// Keeps the mapped files or allocations behind the matrices alive.
    public let source: WeightSource

    public init(config: TransformerConfig, source: WeightSource,
                layout: TensorLayout = LLaDAArchitecture().huggingFaceLayout) throws {
        let d = config.dModel, q = config.nHeads * config.headDim, kv = config.nKVHeads * config.headDim
        let hidden = config.mlpHiddenSize
        tokenEmbedding = try source.matrix(layout.tokenEmbedding, rows: config.embeddingSize, columns: d)
        blocks = try (0..<config.nLayers).map { n in
            func bias(_ weight: String, count: Int) throws -> [Float]? {
                config.traits.qkvBias ? try source.vector(layout.biasName(weight, block: n), count: count) : nil
            }
            return TransformerBlockWeights(
                attentionNorm: try source.vector(layout.name(layout.attentionNorm, block: n), count: d),
                query: try source.matrix(layout.name(layout.query, block: n), rows: q, columns: d),
                key: try source.matrix(layout.name(layout.key, block: n), rows: kv, columns: d),
                value: try source.matrix(layout.name(layout.value, block: n), rows: kv, columns: d),
                queryBias: try bias(layout.query, count: q),
                keyBias: try bias(layout.key, count: kv),
                valueBias: try bias(layout.value, count: kv),
                attentionOutput: try source.matrix(layout.name(layout.attentionOutput, block: n), rows: d, columns: q),
                feedForwardNorm: try source.vector(layout.name(layout.feedForwardNorm, block: n), count: d),
                gate: try source.matrix(layout.name(layout.gate, block: n), rows: hidden, columns: d),
                up: try source.matrix(layout.name(layout.up, block: n), rows: hidden, columns: d),
                down: try source.matrix(layout.name(layout.down, block: n), rows: d, columns: hidden))
        }
        finalNorm = try source.vector(layout.finalNorm, count: d)
        outputHead = config.weightTying
            ? tokenEmbedding
            : try source.matrix(layout.outputHead, rows: config.embeddingSize, columns: d)
        rotaryPairing = layout.rotaryPairing
        self.source = source
    }
}
