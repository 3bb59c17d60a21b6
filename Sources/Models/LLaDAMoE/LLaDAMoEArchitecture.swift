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
        var layout = TensorLayout(
            tokenEmbedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
            outputHead: "lm_head.weight", blockPrefix: "model.layers.",
            attentionNorm: "input_layernorm.weight", query: "self_attn.q_proj.weight",
            key: "self_attn.k_proj.weight", value: "self_attn.v_proj.weight",
            attentionOutput: "self_attn.o_proj.weight", feedForwardNorm: "post_attention_layernorm.weight",
            gate: "gate_proj.weight", up: "up_proj.weight", down: "down_proj.weight",
            rotaryPairing: .halves)
        layout.queryNorm = "self_attn.q_norm.weight"
        layout.keyNorm = "self_attn.k_norm.weight"
        layout.router = "mlp.gate.weight"
        layout.expertPrefix = "mlp.experts."
        return layout
    }

    /// llama.cpp's converter (LLaDAMoEModel) stacks each projection of all experts into one 3-D
    /// tensor and leaves the q/k rows in rotate-half order, which its NEOX rope reads.
    public var ggufLayout: TensorLayout? {
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

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        let file = try json.decode(LLaDAMoEConfig.self)
        if let problem = file.problem { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        let transformer = file.transformerConfig
        if let problem = transformer.problem(naming: .lladaMoE) { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        return ModelConfiguration(architecture: self, transformer: transformer,
                                  layout: huggingFaceLayout, fingerprint: ModelIdentity.fingerprint(of: file))
    }
}
