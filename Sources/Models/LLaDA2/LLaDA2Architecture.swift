/// LLaDA2.0 / 2.1 (inclusionAI/LLaDA2.0-mini, `LLaDA2MoeModelLM`, model_type `llada2_moe`): the
/// BailingMoeV2 block stack (dInfer modeling_llada2_moe.py): a fused `query_key_value`
/// projection, GQA, per-head q/k RMSNorm, rotate-half RoPE on part of each head, a leading dense
/// block, then mixtures of experts with a grouped sigmoid router and a shared expert; logits in
/// place. It decodes in blocks of 32 under a block-causal mask (ARCHITECTURES.md).
public struct LLaDA2Architecture: ModelArchitecture {
    public static let name = "llada2"
    /// The tokenizer's `<|mask|>`, `<|endoftext|>` and `<|startoftext|>` (config.json has no mask
    /// or BOS id; ARCHITECTURES.md).
    public static let maskTokenId = 156_895
    public static let eosTokenId = 156_892
    public static let bosTokenId = 156_891
    /// Blocks of the diffusers LLaDA2 pipeline (`block_length` 32): causal across, bidirectional within.
    public static let defaultBlockLength = 32
    public static let traits = TransformerTraits(shiftsLogits: false, qkvBias: false, qkNorm: true)

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["LLaDA2MoeModelLM", "LLaDA2MoeModel"] }
    public var modelTypes: [String] { ["llada2_moe"] }
    /// The name llama.cpp's unmerged LLaDA2 work (PR #17454, `LLM_ARCH_LLADA2`) gives it; not
    /// verified against a released file. tools/convert_llada2_gguf.py writes it.
    public var ggufArchitecture: String? { "llada2" }
    public var traits: TransformerTraits { Self.traits }

    /// The Hugging Face names: `model.layers.N.attention.query_key_value.weight`,
    /// `model.layers.N.mlp.{gate_proj,…}` (dense), `model.layers.N.mlp.experts.E.gate_proj.weight`,
    /// `model.layers.N.mlp.shared_experts.gate_proj.weight`, `model.layers.N.mlp.gate.{weight,expert_bias}`.
    public var huggingFaceLayout: TensorLayout {
        var layout = TensorLayout(
            tokenEmbedding: "model.word_embeddings.weight", finalNorm: "model.norm.weight",
            outputHead: "lm_head.weight", blockPrefix: "model.layers.",
            attentionNorm: "input_layernorm.weight", query: "", key: "", value: "",
            attentionOutput: "attention.dense.weight", feedForwardNorm: "post_attention_layernorm.weight",
            gate: "gate_proj.weight", up: "up_proj.weight", down: "down_proj.weight",
            rotaryPairing: .halves)
        layout.fusedQueryKeyValue = "attention.query_key_value.weight"
        layout.queryNorm = "attention.query_layernorm.weight"
        layout.keyNorm = "attention.key_layernorm.weight"
        layout.router = "mlp.gate.weight"
        layout.expertBias = "mlp.gate.expert_bias"
        layout.expertPrefix = "mlp.experts."
        layout.sharedExpert = .init(gate: "mlp.shared_experts.gate_proj.weight", up: "mlp.shared_experts.up_proj.weight",
                                    down: "mlp.shared_experts.down_proj.weight")
        layout.denseMLP = .init(gate: "mlp.gate_proj.weight", up: "mlp.up_proj.weight", down: "mlp.down_proj.weight")
        return layout
    }

    /// The names of llama.cpp's BailingMoeV2 conversion (docs/block-diffusion.md, "GGUF names"):
    /// fused `attn_qkv` in Hugging Face row order, stacked 3-D experts, `exp_probs_b.bias`,
    /// `ffn_*_shexp`; NEOX (rotate-half) RoPE, so q/k rows are not permuted.
    public var ggufLayout: TensorLayout? {
        var layout = TensorLayout.ggufStackedExperts
        layout.fusedQueryKeyValue = "attn_qkv.weight"
        layout.expertBias = "exp_probs_b.bias"
        layout.sharedExpert = .init(gate: "ffn_gate_shexp.weight", up: "ffn_up_shexp.weight", down: "ffn_down_shexp.weight")
        layout.denseMLP = .init(gate: "ffn_gate.weight", up: "ffn_up.weight", down: "ffn_down.weight")
        return layout
    }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        try configuration(json, as: LLaDA2Config.self, naming: .llada2, transformer: \.transformerConfig) { file, layout in
            if !file.moeRouterEnableExpertBias { layout.expertBias = nil }
            if !file.useQKNorm { (layout.queryNorm, layout.keyNorm) = (nil, nil) }
        }
    }
}

extension ConfigFieldNames {
    /// LLaDA2's config.json keys (the shared stack's MLP width is one expert's).
    public static let llada2: ConfigFieldNames = {
        var names = dream
        names.mlpHiddenSize = "moe_intermediate_size"
        return names
    }()
}

extension TransformerConfig {
    /// LLaDA2.0-mini's shapes (ARCHITECTURES.md; inclusionAI's config.json), with `layers` blocks.
    public static func llada2Mini(layers: Int = 20) -> TransformerConfig {
        var config = TransformerConfig(architecture: LLaDA2Architecture.name, dModel: 2048, nLayers: layers,
                                       nHeads: 16, nKVHeads: 4, mlpHiddenSize: 512, vocabSize: 157_184,
                                       maxSequenceLength: 16_384, ropeTheta: 600_000, traits: LLaDA2Architecture.traits)
        config.traits.rotaryDimensions = 64
        config.blockLength = LLaDA2Architecture.defaultBlockLength
        config.rmsNormEps = 1e-6
        config.maskTokenId = LLaDA2Architecture.maskTokenId
        config.eosTokenId = LLaDA2Architecture.eosTokenId
        config.padTokenId = LLaDA2Architecture.eosTokenId
        config.experts = ExpertConfig(count: 256, perToken: 8, router: .groupedSigmoid(groups: 8, groupsKept: 4, scale: 2.5),
                                      sharedHiddenSize: 512, leadingDenseLayers: 1, denseHiddenSize: 5120)
        return config
    }
}
