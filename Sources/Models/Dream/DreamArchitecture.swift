/// Dream (HKUNLP/Dream-v0): Qwen2's block stack made bidirectional, with q/k/v biases and
/// logits shifted by one position because it was initialised from an autoregressive model.
public struct DreamArchitecture: ModelArchitecture {
    public static let name = "dream"
    /// Dream-v0's `<|mask|>` and `<|endoftext|>`, for configs that do not name them.
    public static let maskTokenId = 151_666
    public static let eosTokenId = 151_643
    /// Dream's attention always builds q, k and v with bias=True.
    public static let traits = TransformerTraits(shiftsLogits: true, qkvBias: true)

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["DreamModel"] }
    public var modelTypes: [String] { ["dream"] }
    public var ggufArchitecture: String? { "dream" }
    public var traits: TransformerTraits { Self.traits }

    /// Dream's Hugging Face names, those of Qwen2.
    public var huggingFaceLayout: TensorLayout {
        TensorLayout(
            tokenEmbedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
            outputHead: "lm_head.weight", blockPrefix: "model.layers.",
            attentionNorm: "input_layernorm.weight", query: "self_attn.q_proj.weight",
            key: "self_attn.k_proj.weight", value: "self_attn.v_proj.weight",
            attentionOutput: "self_attn.o_proj.weight", feedForwardNorm: "post_attention_layernorm.weight",
            gate: "mlp.gate_proj.weight", up: "mlp.up_proj.weight", down: "mlp.down_proj.weight",
            rotaryPairing: .halves)
    }

    /// llama.cpp leaves Dream's q/k rows alone and rotates them in halves ("neox").
    public var ggufLayout: TensorLayout? { .gguf(rotaryPairing: .halves) }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        let file = try json.decode(DreamConfig.self)
        if let problem = file.problem { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        let transformer = file.transformerConfig
        if let problem = transformer.problem(naming: .dream) { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        return ModelConfiguration(architecture: self, transformer: transformer,
                                  layout: huggingFaceLayout, fingerprint: ModelIdentity.fingerprint(of: file))
    }
}
