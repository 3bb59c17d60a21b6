import Foundation

/// `config.json` of the Qwen-based block-diffusion families (SDAR/TraDo on Qwen3, Fast-dLLM v2
/// on Qwen2.5): Qwen's keys, plus the block length where the file states one. Defaults are those
/// of each family's configuration file (docs/block-diffusion.md), passed in by the architecture.
public struct QwenBlockConfig: Codable, Sendable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    /// Qwen3's own key; nil: hidden / heads.
    public var headDim: Int?
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var tieWordEmbeddings: Bool
    public var attentionBias: Bool
    public var maskTokenId: Int?
    public var eosTokenId: Int?
    public var padTokenId: Int?
    public var hiddenAct: String
    /// Fast-dLLM v2's `bd_size`; SDAR's `block_size` where a config carries it.
    public var blockSize: Int?
    public var ropeScalingIsSet: Bool
    public var slidingWindowIsUsed: Bool

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case headDim = "head_dim"
        case vocabSize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings"
        case attentionBias = "attention_bias"
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case hiddenAct = "hidden_act"
        case bdSize = "bd_size"
        case blockSize = "block_size"
        case ropeScaling = "rope_scaling"
        case useSlidingWindow = "use_sliding_window"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 32768
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-6
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        maskTokenId = try c.decodeIfPresent(Int.self, forKey: .maskTokenId)
        // Qwen's generation configs list several; config.json has one.
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId)
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        blockSize = try c.decodeIfPresent(Int.self, forKey: .bdSize) ?? c.decodeIfPresent(Int.self, forKey: .blockSize)
        ropeScalingIsSet = try c.contains(.ropeScaling) && !c.decodeNil(forKey: .ropeScaling)
        slidingWindowIsUsed = try c.decodeIfPresent(Bool.self, forKey: .useSlidingWindow) ?? false
    }

    /// Keys written for the fingerprint: config.json's own names.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encodeIfPresent(headDim, forKey: .headDim)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encodeIfPresent(maskTokenId, forKey: .maskTokenId)
        try c.encodeIfPresent(eosTokenId, forKey: .eosTokenId)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encodeIfPresent(blockSize, forKey: .blockSize)
        try c.encode(ropeScalingIsSet, forKey: .ropeScaling)
        try c.encode(slidingWindowIsUsed, forKey: .useSlidingWindow)
    }

    /// What this reader does not model, if the file asks for it.
    public var problem: String? {
        if ropeScalingIsSet { return "rope_scaling is not supported (only plain rope_theta frequencies)" }
        if hiddenAct != "silu" { return "hidden_act \(hiddenAct) is not supported (silu)" }
        if slidingWindowIsUsed { return "use_sliding_window true is not supported" }
        return nil
    }

    /// The shared block stack's hyperparameters with the family's traits and ids.
    func transformerConfig(architecture: String, traits: TransformerTraits, maskTokenId: Int, eosTokenId: Int,
                           blockLength: Int) -> TransformerConfig {
        var config = TransformerConfig(architecture: architecture, dModel: hiddenSize, nLayers: numHiddenLayers,
                                       nHeads: numAttentionHeads, nKVHeads: numKeyValueHeads,
                                       mlpHiddenSize: intermediateSize, vocabSize: vocabSize,
                                       maxSequenceLength: maxPositionEmbeddings, ropeTheta: ropeTheta, traits: traits)
        config.statedHeadDim = headDim
        config.rmsNormEps = rmsNormEps
        config.maskTokenId = maskTokenId
        config.eosTokenId = eosTokenId
        config.padTokenId = padTokenId
        config.weightTying = tieWordEmbeddings
        config.blockLength = blockLength
        return config
    }

    /// The id of the added token `content` in the folder's tokenizer.json, nil without one.
    static func addedTokenId(_ content: String, folder: String) -> Int? {
        let path = (folder as NSString).appendingPathComponent("tokenizer.json")
        guard let data = FileManager.default.contents(atPath: path),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let added = object["added_tokens"] as? [[String: Any]] else { return nil }
        return added.first { $0["content"] as? String == content }?["id"] as? Int
    }
}

/// The Hugging Face tensor names of Qwen2/Qwen3 (`model.layers.N.self_attn.q_proj.weight`).
let qwenHuggingFaceLayout = TensorLayout(
    tokenEmbedding: "model.embed_tokens.weight", finalNorm: "model.norm.weight",
    outputHead: "lm_head.weight", blockPrefix: "model.layers.",
    attentionNorm: "input_layernorm.weight", query: "self_attn.q_proj.weight",
    key: "self_attn.k_proj.weight", value: "self_attn.v_proj.weight",
    attentionOutput: "self_attn.o_proj.weight", feedForwardNorm: "post_attention_layernorm.weight",
    gate: "mlp.gate_proj.weight", up: "mlp.up_proj.weight", down: "mlp.down_proj.weight",
    rotaryPairing: .halves)
