/// `config.json` of a Dream checkpoint (HKUNLP/Dream, `model_type` "Dream"), whose keys are
/// Qwen2's. Dream is Qwen2's block stack made bidirectional: grouped KV heads, biases on q, k and
/// v, rotate-half RoPE, and logits shifted by one position because it was initialised from an
/// autoregressive model.
public struct DreamConfig: Codable, Sendable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var tieWordEmbeddings: Bool
    public var maskTokenId: Int
    public var eosTokenId: Int
    public var padTokenId: Int?
    public var hiddenAct: String
    /// Anything but null would change the rotary frequencies.
    public var ropeScalingIsSet: Bool

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case vocabSize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings"
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case hiddenAct = "hidden_act"
        case ropeScaling = "rope_scaling"
    }

    /// Defaults are those of Dream's configuration_dream.py.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 32768
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-6
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        maskTokenId = try c.decodeIfPresent(Int.self, forKey: .maskTokenId) ?? DreamArchitecture.maskTokenId
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId) ?? DreamArchitecture.eosTokenId
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? DreamArchitecture.eosTokenId
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        ropeScalingIsSet = try c.contains(.ropeScaling) && !c.decodeNil(forKey: .ropeScaling)
    }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        var config = TransformerConfig(architecture: DreamArchitecture.name, dModel: hiddenSize,
                                       nLayers: numHiddenLayers, nHeads: numAttentionHeads,
                                       nKVHeads: numKeyValueHeads, mlpHiddenSize: intermediateSize,
                                       vocabSize: vocabSize, maxSequenceLength: maxPositionEmbeddings,
                                       ropeTheta: ropeTheta, traits: DreamArchitecture.traits)
        config.rmsNormEps = rmsNormEps
        config.maskTokenId = maskTokenId
        config.eosTokenId = eosTokenId
        config.padTokenId = padTokenId
        config.weightTying = tieWordEmbeddings
        return config
    }

    /// Keys written for the fingerprint: config.json's own names (rope_scaling as set or not).
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encode(maskTokenId, forKey: .maskTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(ropeScalingIsSet, forKey: .ropeScaling)
    }

    /// What this reader does not model, if the file asks for it.
    public var problem: String? {
        if ropeScalingIsSet { return "rope_scaling is not supported (only plain rope_theta frequencies)" }
        if hiddenAct != "silu" { return "hidden_act \(hiddenAct) is not supported (silu)" }
        return nil
    }
}
