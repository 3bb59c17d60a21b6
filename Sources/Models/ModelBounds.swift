/// Sane bounds on a model's hyperparameters (docs/robustness.md, "Bounds"), checked when a
/// config.json or GGUF file is read, before any size, head dimension or frequency is derived.
/// Each is far above every released LLaDA/Dream model (LLaDA-8B: d_model 4096, 32 layers,
/// 126,464 logit columns, context 4096).
public enum ModelBounds {
    /// d_model and the MLP hidden size.
    public static let maxWidth = 1 << 17
    public static let maxLayers = 1024
    public static let maxHeads = 1024
    public static let maxVocabulary = 1 << 24
    public static let maxContext = 1 << 24
    /// Generated positions of one canvas (generation_config.json, --gen-length, transcripts):
    /// 16× LLaDA-8B's 4096-token context, and small enough that a canvas's per-step rows stay small.
    public static let maxGenerationLength = 65_536
    /// rope_theta: θ ≥ 1 keeps every rotary frequency θ^(−2i/d) in (0, 1].
    public static let ropeTheta: ClosedRange<Double> = 1...1e12
    /// rms_norm_eps: > 0 so that an all-zero row does not divide by zero.
    public static let rmsNormEps: ClosedRange<Float> = Float.leastNonzeroMagnitude...1

    /// "name value is outside lower…upper" when `value` is not in `range`.
    static func check(_ name: String, _ value: Int, _ range: ClosedRange<Int>) -> String? {
        range.contains(value) ? nil : "\(name) \(value) is outside \(range.lowerBound)…\(range.upperBound)"
    }

    /// NaN lies in no range, so it is refused with the rest; `allowed` words the range.
    static func check<Number: BinaryFloatingPoint>(_ name: String, _ value: Number, _ range: ClosedRange<Number>,
                                                   allowed: String) -> String? {
        range.contains(value) ? nil : "\(name) \(value) must be \(allowed)"
    }
}

/// How one file format names the block stack's hyperparameters, so that a problem names the
/// key the user can find in their file.
public struct ConfigFieldNames: Sendable {
    var dModel, nLayers, nHeads, nKVHeads, mlpHiddenSize, vocabSize, embeddingSize: String
    var maxSequenceLength, ropeTheta, rmsNormEps, maskTokenId, eosTokenId, padTokenId: String
    /// Keys only block-diffusion configs have (Qwen3's `head_dim`; the block length).
    var headDim = "head_dim", blockLength = "block_length"

    public static let llada = ConfigFieldNames(
        dModel: "d_model", nLayers: "n_layers", nHeads: "n_heads", nKVHeads: "n_kv_heads",
        mlpHiddenSize: "mlp_hidden_size", vocabSize: "vocab_size", embeddingSize: "embedding_size",
        maxSequenceLength: "max_sequence_length", ropeTheta: "rope_theta", rmsNormEps: "rms_norm_eps",
        maskTokenId: "mask_token_id", eosTokenId: "eos_token_id", padTokenId: "pad_token_id")

    public static let dream = ConfigFieldNames(
        dModel: "hidden_size", nLayers: "num_hidden_layers", nHeads: "num_attention_heads",
        nKVHeads: "num_key_value_heads", mlpHiddenSize: "intermediate_size", vocabSize: "vocab_size",
        embeddingSize: "vocab_size", maxSequenceLength: "max_position_embeddings", ropeTheta: "rope_theta",
        rmsNormEps: "rms_norm_eps", maskTokenId: "mask_token_id", eosTokenId: "eos_token_id", padTokenId: "pad_token_id")

    public static let lladaMoE: ConfigFieldNames = {
        var names = dream
        names.mlpHiddenSize = "expert_intermediate_size"
        return names
    }()

    /// llama.cpp's keys under `architecture`.
    public static func gguf(_ architecture: String) -> ConfigFieldNames {
        ConfigFieldNames(
            dModel: "\(architecture).embedding_length", nLayers: "\(architecture).block_count",
            nHeads: "\(architecture).attention.head_count", nKVHeads: "\(architecture).attention.head_count_kv",
            mlpHiddenSize: "\(architecture).feed_forward_length", vocabSize: "\(architecture).vocab_size",
            embeddingSize: "token_embd.weight rows", maxSequenceLength: "\(architecture).context_length",
            ropeTheta: "\(architecture).rope.freq_base", rmsNormEps: "\(architecture).attention.layer_norm_rms_epsilon",
            maskTokenId: "tokenizer.ggml.mask_token_id", eosTokenId: "tokenizer.ggml.eos_token_id",
            padTokenId: "tokenizer.ggml.padding_token_id")
    }
}
