/// `config.json` of a LLaDA checkpoint (GSAI-ML/LLaDA-8B, `model_type` "llada"); the coding keys
/// are its Hugging Face keys. `transformerConfig` is the same model for the shared block stack.
public struct LLaDAConfig: Codable, ArchitectureConfigFile, Equatable, Sendable {
    public var modelType: String
    public var dModel: Int
    public var nLayers: Int
    public var nHeads: Int
    public var nKVHeads: Int
    public var mlpHiddenSize: Int
    public var vocabSize: Int
    public var embeddingSize: Int
    public var maxSequenceLength: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var maskTokenId: Int
    public var eosTokenId: Int
    public var padTokenId: Int?
    public var weightTying: Bool
    public var includeBias: Bool
    public var activationType: String
    public var blockType: String

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case dModel = "d_model"
        case nLayers = "n_layers"
        case nHeads = "n_heads"
        case nKVHeads = "n_kv_heads"
        case mlpHiddenSize = "mlp_hidden_size"
        case vocabSize = "vocab_size"
        case embeddingSize = "embedding_size"
        case maxSequenceLength = "max_sequence_length"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case weightTying = "weight_tying"
        case includeBias = "include_bias"
        case activationType = "activation_type"
        case blockType = "block_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decode(String.self, forKey: .modelType)
        dModel = try c.decode(Int.self, forKey: .dModel)
        nLayers = try c.decode(Int.self, forKey: .nLayers)
        nHeads = try c.decode(Int.self, forKey: .nHeads)
        nKVHeads = try c.decodeIfPresent(Int.self, forKey: .nKVHeads) ?? nHeads
        mlpHiddenSize = try c.decode(Int.self, forKey: .mlpHiddenSize)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        embeddingSize = try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? vocabSize
        maxSequenceLength = try c.decodeIfPresent(Int.self, forKey: .maxSequenceLength) ?? 4096
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-5
        maskTokenId = try c.decodeIfPresent(Int.self, forKey: .maskTokenId) ?? LLaDAArchitecture.maskTokenId
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? LLaDAArchitecture.eosTokenId
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        weightTying = try c.decodeIfPresent(Bool.self, forKey: .weightTying) ?? false
        includeBias = try c.decodeIfPresent(Bool.self, forKey: .includeBias) ?? false
        activationType = try c.decodeIfPresent(String.self, forKey: .activationType) ?? "silu"
        blockType = try c.decodeIfPresent(String.self, forKey: .blockType) ?? "llama"
    }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        var config = TransformerConfig(architecture: LLaDAArchitecture.name, dModel: dModel, nLayers: nLayers,
                                       nHeads: nHeads, nKVHeads: nKVHeads, mlpHiddenSize: mlpHiddenSize,
                                       vocabSize: vocabSize, maxSequenceLength: maxSequenceLength,
                                       ropeTheta: ropeTheta, traits: LLaDAArchitecture.traits)
        config.embeddingSize = embeddingSize
        config.rmsNormEps = rmsNormEps
        config.maskTokenId = maskTokenId
        config.eosTokenId = eosTokenId
        config.padTokenId = padTokenId
        config.weightTying = weightTying
        return config
    }

    /// 0 while n_heads is not positive (`problem` rejects that before the value is used).
    public var headDim: Int { nHeads > 0 ? dModel / nHeads : 0 }

    /// What makes this configuration unusable, if anything, in LLaDA's config.json names.
    public var problem: String? {
        if let problem = transformerConfig.problem(naming: .llada) { return problem }
        if activationType != "silu" { return "activation_type \(activationType) is not supported (silu)" }
        if blockType != "llama" { return "block_type \(blockType) is not supported (llama)" }
        if includeBias { return "include_bias true is not supported" }
        return nil
    }
}
