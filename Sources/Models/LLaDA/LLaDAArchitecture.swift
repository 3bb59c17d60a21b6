/// LLaDA (GSAI-ML/LLaDA-8B, DECODING.md): the plain bidirectional LLaMA block stack, each
/// position predicted in place.
public struct LLaDAArchitecture: ModelArchitecture {
    public static let name = "llada"
    /// `<|mdm_mask|>` and `<|endoftext|>` of LLaDA-8B, for configs that do not name them.
    public static let maskTokenId = 126_336
    public static let eosTokenId = 126_081
    public static let traits = TransformerTraits(shiftsLogits: false, qkvBias: false)

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["LLaDAModelLM"] }
    public var modelTypes: [String] { ["llada"] }
    public var ggufArchitecture: String? { "llada" }
    public var traits: TransformerTraits { Self.traits }

    /// GSAI-ML/LLaDA-8B's Hugging Face names (DECODING.md).
    public var huggingFaceLayout: TensorLayout {
        TensorLayout(
            tokenEmbedding: "model.transformer.wte.weight", finalNorm: "model.transformer.ln_f.weight",
            outputHead: "model.transformer.ff_out.weight", blockPrefix: "model.transformer.blocks.",
            attentionNorm: "attn_norm.weight", query: "q_proj.weight", key: "k_proj.weight",
            value: "v_proj.weight", attentionOutput: "attn_out.weight", feedForwardNorm: "ff_norm.weight",
            gate: "ff_proj.weight", up: "up_proj.weight", down: "ff_out.weight", rotaryPairing: .halves)
    }

    /// llama.cpp's converter permutes LLaDA's q/k rows for its adjacent-pair ("normal") rope.
    public var ggufLayout: TensorLayout? { .gguf(rotaryPairing: .adjacent) }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        // LLaDAConfig.problem already checks the stack in LLaDA's names; the second check finds nothing.
        try configuration(json, as: LLaDAConfig.self, naming: .llada) { $0.transformerConfig }
    }
}
