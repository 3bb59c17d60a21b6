/// The block-stack keys that every `transformers`-style config.json (Dream, LLaDA-MoE, LLaDA2,
/// SDAR, Fast-dLLM v2) names alike, read and written once; each architecture's config adds only
/// its own keys and passes its own defaults. Written back under the file's own names for the
/// fingerprint (next to the architecture's keys in the same JSON object).
public struct HuggingFaceStack: Encodable, Sendable {
    public var hiddenSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var tieWordEmbeddings: Bool
    public var padTokenId: Int?
    public var hiddenAct: String
    /// Set only to be refused: anything but null would change the rotary frequencies.
    public var ropeScalingIsSet: Bool

    /// What an architecture's configuration file assumes where config.json lacks a key; a nil
    /// `ropeTheta` makes rope_theta required.
    public struct Defaults: Sendable {
        public var maxPositionEmbeddings: Int
        public var ropeTheta: Double?
        public var rmsNormEps: Float
    }

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size"
        case numHiddenLayers = "num_hidden_layers"
        case numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads"
        case vocabSize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings"
        case padTokenId = "pad_token_id"
        case hiddenAct = "hidden_act"
        case ropeScaling = "rope_scaling"
    }

    public init(from decoder: Decoder, defaults: Defaults) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.value(.numKeyValueHeads, or: numAttentionHeads)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxPositionEmbeddings = try c.value(.maxPositionEmbeddings, or: defaults.maxPositionEmbeddings)
        if let theta = defaults.ropeTheta {
            ropeTheta = try c.value(.ropeTheta, or: theta)
        } else {
            ropeTheta = try c.decode(Double.self, forKey: .ropeTheta)
        }
        rmsNormEps = try c.value(.rmsNormEps, or: defaults.rmsNormEps)
        tieWordEmbeddings = try c.value(.tieWordEmbeddings, or: false)
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        hiddenAct = try c.value(.hiddenAct, or: "silu")
        ropeScalingIsSet = try c.isSet(.ropeScaling)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(hiddenSize, forKey: .hiddenSize)
        try c.encode(numHiddenLayers, forKey: .numHiddenLayers)
        try c.encode(numAttentionHeads, forKey: .numAttentionHeads)
        try c.encode(numKeyValueHeads, forKey: .numKeyValueHeads)
        try c.encode(vocabSize, forKey: .vocabSize)
        try c.encode(maxPositionEmbeddings, forKey: .maxPositionEmbeddings)
        try c.encode(ropeTheta, forKey: .ropeTheta)
        try c.encode(rmsNormEps, forKey: .rmsNormEps)
        try c.encode(tieWordEmbeddings, forKey: .tieWordEmbeddings)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(ropeScalingIsSet, forKey: .ropeScaling)
    }

    /// The refusals every such file shares: another activation, or scaled rotary frequencies.
    public var hiddenActProblem: String? { hiddenAct == "silu" ? nil : "hidden_act \(hiddenAct) is not supported (silu)" }
    public var ropeScalingProblem: String? {
        ropeScalingIsSet ? "rope_scaling is not supported (only plain rope_theta frequencies)" : nil
    }

    /// The shared block stack's hyperparameters, with the architecture's MLP width, traits and ids.
    public func transformerConfig(architecture: String, traits: TransformerTraits, mlpHiddenSize: Int,
                                  maskTokenId: Int, eosTokenId: Int) -> TransformerConfig {
        var config = TransformerConfig(architecture: architecture, dModel: hiddenSize, nLayers: numHiddenLayers,
                                       nHeads: numAttentionHeads, nKVHeads: numKeyValueHeads,
                                       mlpHiddenSize: mlpHiddenSize, vocabSize: vocabSize,
                                       maxSequenceLength: maxPositionEmbeddings, ropeTheta: ropeTheta, traits: traits)
        config.rmsNormEps = rmsNormEps
        config.maskTokenId = maskTokenId
        config.eosTokenId = eosTokenId
        config.padTokenId = padTokenId
        config.weightTying = tieWordEmbeddings
        return config
    }
}

extension KeyedDecodingContainer {
    /// The key's value, or `fallback` where the file lacks it (or writes null).
    func value<T: Decodable>(_ key: Key, or fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }

    /// Whether the file sets `key` to anything but null (features refused rather than modelled).
    func isSet(_ key: Key) throws -> Bool {
        try contains(key) && !decodeNil(forKey: key)
    }
}
