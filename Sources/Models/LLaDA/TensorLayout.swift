import Kernels

/// How a checkpoint format names the tensors of the block stack, and in which order it stores
/// the rows of each q/k head. Biases sit next to their weights (`….weight` → `….bias`).
public struct TensorLayout: Sendable {
    public var tokenEmbedding: String
    public var finalNorm: String
    public var outputHead: String
    /// Block n's tensors are named `blockPrefix + "n." + suffix`.
    public var blockPrefix: String
    public var attentionNorm: String
    public var query: String
    public var key: String
    public var value: String
    public var attentionOutput: String
    public var feedForwardNorm: String
    public var gate: String
    public var up: String
    public var down: String
    public var rotaryPairing: RotaryPairing

    public func name(_ suffix: String, block: Int) -> String {
        "\(blockPrefix)\(block).\(suffix)"
    }

    public func biasName(_ weightSuffix: String, block: Int) -> String {
        name(String(weightSuffix.dropLast(".weight".count)) + ".bias", block: block)
    }

    /// GSAI-ML/LLaDA-8B's Hugging Face names (DECODING.md).
    public static let lladaHuggingFace = TensorLayout(
        tokenEmbedding: "model.transformer.wte.weight", finalNorm: "model.transformer.ln_f.weight",
        outputHead: "model.transformer.ff_out.weight", blockPrefix: "model.transformer.blocks.",
        attentionNorm: "attn_norm.weight", query: "q_proj.weight", key: "k_proj.weight",
        value: "v_proj.weight", attentionOutput: "attn_out.weight", feedForwardNorm: "ff_norm.weight",
        gate: "ff_proj.weight", up: "up_proj.weight", down: "ff_out.weight", rotaryPairing: .halves)

    /// Dream's Hugging Face names, those of Qwen2.
    public static let dreamHuggingFace = TensorLayout(
        tokenEmbedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
        outputHead: "lm_head.weight", blockPrefix: "model.layers.",
        attentionNorm: "input_layernorm.weight", query: "self_attn.q_proj.weight",
        key: "self_attn.k_proj.weight", value: "self_attn.v_proj.weight",
        attentionOutput: "self_attn.o_proj.weight", feedForwardNorm: "post_attention_layernorm.weight",
        gate: "mlp.gate_proj.weight", up: "mlp.up_proj.weight", down: "mlp.down_proj.weight",
        rotaryPairing: .halves)

    /// The Hugging Face layout of `config`'s architecture.
    public static func huggingFace(for config: LLaDAConfig) -> TensorLayout {
        config.modelType == "dream" ? .dreamHuggingFace : .lladaHuggingFace
    }

    /// llama.cpp's GGUF names. Its converter permutes LLaDA's q/k rows for the adjacent-pair
    /// ("normal") rope and leaves Dream's alone, which llama.cpp rotates in halves ("neox").
    public static func gguf(rotaryPairing: RotaryPairing) -> TensorLayout {
        TensorLayout(
            tokenEmbedding: "token_embd.weight", finalNorm: "output_norm.weight",
            outputHead: "output.weight", blockPrefix: "blk.", attentionNorm: "attn_norm.weight",
            query: "attn_q.weight", key: "attn_k.weight", value: "attn_v.weight",
            attentionOutput: "attn_output.weight", feedForwardNorm: "ffn_norm.weight",
            gate: "ffn_gate.weight", up: "ffn_up.weight", down: "ffn_down.weight",
            rotaryPairing: rotaryPairing)
    }
}
