/// SDAR and TraDo (JetAstra/SDAR, Gen-Verse/dLLM-RL `models/sdar`): Qwen3 — per-head q/k RMSNorm
/// before RoPE, GQA, `head_dim` its own key, biases on q, k, v and o with `attention_bias` — under
/// a block-causal mask (block 4 by default), logits in place.
public struct SDARArchitecture: QwenBlockFamily {
    public static let name = "sdar"
    /// `<|MASK|>` of SDAR's tokenizer (config.json does not name it).
    public static let maskTokenId = 151_669
    public static let maskToken = "<|MASK|>"
    /// Qwen3's `<|im_end|>`, the stop id where config.json names none.
    public static let eosTokenId = 151_645
    /// generate.py's `--block_length` default.
    public static let defaultBlockLength = 4

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["SDARForCausalLM"] }
    public var modelTypes: [String] { ["sdar"] }
    public var traits: TransformerTraits { TransformerTraits(shiftsLogits: false, qkvBias: false, qkNorm: true) }

    public var huggingFaceLayout: TensorLayout {
        var layout = qwenHuggingFaceLayout
        layout.queryNorm = "self_attn.q_norm.weight"
        layout.keyNorm = "self_attn.k_norm.weight"
        return layout
    }

    /// `attention_bias` puts biases on q, k, v and o alike.
    func traits(for file: QwenBlockConfig) -> TransformerTraits {
        var traits = traits
        traits.qkvBias = file.attentionBias
        traits.outputBias = file.attentionBias
        return traits
    }
}
