/// `config.json` of a Dream checkpoint (HKUNLP/Dream, `model_type` "Dream"), whose keys are
/// Qwen2's. Dream is Qwen2's block stack made bidirectional: grouped KV heads, biases on q, k and
/// v, rotate-half RoPE, and logits shifted by one position because it was initialised from an
/// autoregressive model.
public struct DreamConfig: Codable, ArchitectureConfigFile, Sendable {
    public var stack: HuggingFaceStack
    public var intermediateSize: Int
    public var maskTokenId: Int
    public var eosTokenId: Int

    enum CodingKeys: String, CodingKey {
        case intermediateSize = "intermediate_size"
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
    }

    /// Defaults are those of Dream's configuration_dream.py.
    public init(from decoder: Decoder) throws {
        stack = try HuggingFaceStack(from: decoder, defaults: .init(maxPositionEmbeddings: 32768, ropeTheta: 10_000,
                                                                    rmsNormEps: 1e-6))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        maskTokenId = try c.value(.maskTokenId, or: DreamArchitecture.maskTokenId)
        stack.padTokenId = stack.padTokenId ?? DreamArchitecture.eosTokenId
        eosTokenId = try c.value(.eosTokenId, or: DreamArchitecture.eosTokenId)
    }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        stack.transformerConfig(architecture: DreamArchitecture.name, traits: DreamArchitecture.traits,
                                mlpHiddenSize: intermediateSize, maskTokenId: maskTokenId, eosTokenId: eosTokenId)
    }

    /// Keys written for the fingerprint: config.json's own names (rope_scaling as set or not).
    public func encode(to encoder: Encoder) throws {
        try stack.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(maskTokenId, forKey: .maskTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
    }

    /// What this reader does not model, if the file asks for it.
    public var problem: String? { stack.ropeScalingProblem ?? stack.hiddenActProblem }
}
