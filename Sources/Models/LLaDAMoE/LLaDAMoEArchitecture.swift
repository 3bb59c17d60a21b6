/// LLaDA-MoE (inclusionAI/LLaDA-MoE-7B-A1B): LLaDA's training on OLMoE's block stack, every
/// block's MLP a softmax-routed mixture of experts (64, top 8), per-head q/k RMSNorm,
/// rotate-half ("NEOX") RoPE over the whole head, bidirectional attention, logits in place.
public struct LLaDAMoEArchitecture: ModelArchitecture {
    public static let name = "llada-moe"
    /// `<|mask|>` of LLaDA-MoE's tokenizer (model card; llama.cpp's converter writes the same).
    public static let maskTokenId = 156_895
    public static let eosTokenId = 156_892
    public static let traits = TransformerTraits(shiftsLogits: false, qkvBias: false, qkNorm: true)

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["LLaDAMoEModelLM", "LLaDAMoEModel"] }
    /// dllm's instructions rename the shipped "llada" to this.
    public var modelTypes: [String] { ["lladamoe"] }
    public var ggufArchitecture: String? { "llada-moe" }
    public var traits: TransformerTraits { Self.traits }

    /// The Hugging Face names (OLMoE's): `model.layers.N.mlp.experts.E.{gate,up,down}_proj.weight`.
    public var huggingFaceLayout: TensorLayout {
        var layout = qwenHuggingFaceLayout
        (layout.gate, layout.up, layout.down) = ("gate_proj.weight", "up_proj.weight", "down_proj.weight")
        layout.queryNorm = "self_attn.q_norm.weight"
        layout.keyNorm = "self_attn.k_norm.weight"
        layout.router = "mlp.gate.weight"
        layout.expertPrefix = "mlp.experts."
        return layout
    }

    /// llama.cpp's converter (LLaDAMoEModel): stacked experts, q/k rows in rotate-half order.
    public var ggufLayout: TensorLayout? { .ggufStackedExperts }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        try configuration(json, as: LLaDAMoEConfig.self, naming: .lladaMoE) { $0.transformerConfig }
    }
}

extension TensorLayout {
    /// llama.cpp's names for a mixture-of-experts block with per-head q/k norms (LLaDA-MoE,
    /// LLaDA2): its converters stack each projection of all experts into one 3-D tensor and leave
    /// the q/k rows in rotate-half order, which its NEOX rope reads.
    static var ggufStackedExperts: TensorLayout {
        var layout = TensorLayout.gguf(rotaryPairing: .halves)
        layout.queryNorm = "attn_q_norm.weight"
        layout.keyNorm = "attn_k_norm.weight"
        layout.router = "ffn_gate_inp.weight"
        layout.gate = "ffn_gate_exps.weight"
        layout.up = "ffn_up_exps.weight"
        layout.down = "ffn_down_exps.weight"
        layout.stackedExperts = true
        return layout
    }
}
