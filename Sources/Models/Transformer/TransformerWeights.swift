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
    public let queryNorm: [Float]?          // (head_dim)             with traits.qkNorm
    public let keyNorm: [Float]?            // (head_dim)             with traits.qkNorm
    public let attentionOutput: WeightMatrix // (d, n_heads·head_dim)
    public let attentionOutputBias: [Float]? // (d)                 with traits.outputBias
    public let feedForwardNorm: [Float]     // (d)
    public let feedForward: FeedForwardWeights
}

/// A block's feed-forward half: one gated MLP, or a mixture of them routed per token.
public enum FeedForwardWeights: Sendable {
    case dense(GatedMLPWeights)
    case experts(MixtureWeights)
}

/// A mixture-of-experts feed-forward.
public struct MixtureWeights: Sendable {
    public let router: WeightMatrix         // (n_experts, d)
    public let expertBias: [Float]?         // (n_experts)  selection bias of a grouped-sigmoid router
    public let experts: [GatedMLPWeights]
    public let shared: GatedMLPWeights?     // run on every token, unweighted
}

/// down(silu(gate(h)) ⊙ up(h)).
public struct GatedMLPWeights: Sendable {
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
            func headNorm(_ name: String?) throws -> [Float]? {
                guard config.traits.qkNorm else { return nil }
                return try source.vector(layout.name(name ?? "", block: n), count: config.headDim)
            }
            func mlp(hidden: Int, _ names: TensorLayout.MLPTensorNames, _ name: (String) -> String) throws -> GatedMLPWeights {
                GatedMLPWeights(gate: try source.matrix(name(names.gate), rows: hidden, columns: d),
                                up: try source.matrix(name(names.up), rows: hidden, columns: d),
                                down: try source.matrix(name(names.down), rows: d, columns: hidden))
            }
            let feedForward: FeedForwardWeights
            if let experts = config.experts, experts.isMixture(layer: n) {
                let router = try source.matrix(layout.name(layout.router ?? "", block: n), rows: experts.count, columns: d)
                let all: [GatedMLPWeights]
                if layout.stackedExperts {
                    func stack(_ suffix: String, rows: Int, columns: Int) throws -> [WeightMatrix] {
                        try source.stackedMatrices(layout.name(suffix, block: n), count: experts.count, rows: rows, columns: columns)
                    }
                    let gates = try stack(layout.gate, rows: hidden, columns: d), ups = try stack(layout.up, rows: hidden, columns: d)
                    let downs = try stack(layout.down, rows: d, columns: hidden)
                    all = (0..<experts.count).map { GatedMLPWeights(gate: gates[$0], up: ups[$0], down: downs[$0]) }
                } else {
                    all = try (0..<experts.count).map { e in
                        try mlp(hidden: hidden, TensorLayout.MLPTensorNames(gate: layout.gate, up: layout.up, down: layout.down)) {
                            layout.expertName($0, expert: e, block: n)
                        }
                    }
                }
                let bias = try layout.expertBias.map { try source.vector(layout.name($0, block: n), count: experts.count) }
                let shared = try experts.sharedHiddenSize.map { width in
                    try mlp(hidden: width, layout.sharedExpert ?? layout.blockMLP) { layout.name($0, block: n) }
                }
                feedForward = .experts(MixtureWeights(router: router, expertBias: bias, experts: all, shared: shared))
            } else {
                feedForward = .dense(try mlp(hidden: config.experts?.denseHiddenSize ?? hidden, layout.blockMLP) { layout.name($0, block: n) })
            }
            // A fused q/k/v tensor is sliced by rows, without copying.
            let (query, key, value): (WeightMatrix, WeightMatrix, WeightMatrix)
            if let fused = layout.fusedQueryKeyValue {
                let qkv = try source.matrix(layout.name(fused, block: n), rows: q + 2 * kv, columns: d)
                query = qkv.rows(0..<q)
                key = qkv.rows(q..<q + kv)
                value = qkv.rows(q + kv..<q + 2 * kv)
            } else {
                query = try source.matrix(layout.name(layout.query, block: n), rows: q, columns: d)
                key = try source.matrix(layout.name(layout.key, block: n), rows: kv, columns: d)
                value = try source.matrix(layout.name(layout.value, block: n), rows: kv, columns: d)
            }
            return TransformerBlockWeights(
                attentionNorm: try source.vector(layout.name(layout.attentionNorm, block: n), count: d),
                query: query, key: key, value: value,
                queryBias: try bias(layout.query, count: q),
                keyBias: try bias(layout.key, count: kv),
                valueBias: try bias(layout.value, count: kv),
                queryNorm: try headNorm(layout.queryNorm),
                keyNorm: try headNorm(layout.keyNorm),
                attentionOutput: try source.matrix(layout.name(layout.attentionOutput, block: n), rows: d, columns: q),
                attentionOutputBias: config.traits.outputBias
                    ? try source.vector(layout.biasName(layout.attentionOutput, block: n), count: d) : nil,
                feedForwardNorm: try source.vector(layout.name(layout.feedForwardNorm, block: n), count: d),
                feedForward: feedForward)
        }
        finalNorm = try source.vector(layout.finalNorm, count: d)
        outputHead = config.weightTying
            ? tokenEmbedding
            : try source.matrix(layout.outputHead, rows: config.embeddingSize, columns: d)
        rotaryPairing = layout.rotaryPairing
        self.source = source
    }
}
