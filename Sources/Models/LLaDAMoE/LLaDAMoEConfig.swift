/// `config.json` of LLaDA-MoE (inclusionAI/LLaDA-MoE-7B-A1B, `architectures` ["LLaDAMoEModelLM"];
/// its file says `model_type` "llada"), keys as in dInfer tools/configuration_lladamoe.py. OLMoE's
/// block stack made bidirectional: per-head q/k RMSNorm, rotate-half RoPE, a softmax-routed
/// mixture of experts in every block. Defaults are those of the shipped model where the file
/// lacks a key (the mask id is only on the model card).
public struct LLaDAMoEConfig: Codable, Sendable {
    public var hiddenSize: Int
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
    public var numExperts: Int
    public var numExpertsPerTok: Int
    public var expertIntermediateSize: Int
    public var sharedExpertIntermediateSize: Int?
    public var qkLayernorm: Bool
    public var moeLayerFreq: [Int]?
    public var moeRouterEnableExpertBias: Bool
    public var moeRouterScoreFunction: String?
    public var partialRotaryFactor: Double
    public var attentionBias: Bool
    /// Set only to be refused: these would change the forward.
    public var ropeScalingIsSet: Bool
    public var clipQKVIsSet: Bool

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
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case hiddenAct = "hidden_act"
        case numExperts = "num_experts"
        case numExpertsPerTok = "num_experts_per_tok"
        case expertIntermediateSize = "expert_intermediate_size"
        case sharedExpertIntermediateSize = "shared_expert_intermediate_size"
        case qkLayernorm = "qk_layernorm"
        case moeLayerFreq = "moe_layer_freq"
        case moeRouterEnableExpertBias = "moe_router_enable_expert_bias"
        case moeRouterScoreFunction = "moe_router_score_function"
        case partialRotaryFactor = "partial_rotary_factor"
        case attentionBias = "attention_bias"
        case ropeScaling = "rope_scaling"
        case clipQKV = "clip_qkv"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try c.decodeIfPresent(Int.self, forKey: .numKeyValueHeads) ?? numAttentionHeads
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 4096
        ropeTheta = try c.decode(Double.self, forKey: .ropeTheta)
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-5
        tieWordEmbeddings = try c.decodeIfPresent(Bool.self, forKey: .tieWordEmbeddings) ?? false
        maskTokenId = try c.decodeIfPresent(Int.self, forKey: .maskTokenId) ?? LLaDAMoEArchitecture.maskTokenId
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? LLaDAMoEArchitecture.eosTokenId
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "silu"
        numExperts = try c.decode(Int.self, forKey: .numExperts)
        numExpertsPerTok = try c.decode(Int.self, forKey: .numExpertsPerTok)
        expertIntermediateSize = try c.decode(Int.self, forKey: .expertIntermediateSize)
        sharedExpertIntermediateSize = try c.decodeIfPresent(Int.self, forKey: .sharedExpertIntermediateSize)
        qkLayernorm = try c.decodeIfPresent(Bool.self, forKey: .qkLayernorm) ?? true
        moeLayerFreq = try c.decodeIfPresent([Int].self, forKey: .moeLayerFreq)
        moeRouterEnableExpertBias = try c.decodeIfPresent(Bool.self, forKey: .moeRouterEnableExpertBias) ?? false
        moeRouterScoreFunction = try c.decodeIfPresent(String.self, forKey: .moeRouterScoreFunction)
        partialRotaryFactor = try c.decodeIfPresent(Double.self, forKey: .partialRotaryFactor) ?? 1
        attentionBias = try c.decodeIfPresent(Bool.self, forKey: .attentionBias) ?? false
        ropeScalingIsSet = try c.contains(.ropeScaling) && !c.decodeNil(forKey: .ropeScaling)
        clipQKVIsSet = try c.contains(.clipQKV) && !c.decodeNil(forKey: .clipQKV)
    }

    /// Keys written for the fingerprint: config.json's own names.
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
        try c.encode(maskTokenId, forKey: .maskTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
        try c.encodeIfPresent(padTokenId, forKey: .padTokenId)
        try c.encode(hiddenAct, forKey: .hiddenAct)
        try c.encode(numExperts, forKey: .numExperts)
        try c.encode(numExpertsPerTok, forKey: .numExpertsPerTok)
        try c.encode(expertIntermediateSize, forKey: .expertIntermediateSize)
        try c.encodeIfPresent(sharedExpertIntermediateSize, forKey: .sharedExpertIntermediateSize)
        try c.encode(qkLayernorm, forKey: .qkLayernorm)
        try c.encodeIfPresent(moeLayerFreq, forKey: .moeLayerFreq)
        try c.encode(moeRouterEnableExpertBias, forKey: .moeRouterEnableExpertBias)
        try c.encodeIfPresent(moeRouterScoreFunction, forKey: .moeRouterScoreFunction)
        try c.encode(partialRotaryFactor, forKey: .partialRotaryFactor)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encode(ropeScalingIsSet, forKey: .ropeScaling)
        try c.encode(clipQKVIsSet, forKey: .clipQKV)
    }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        var config = TransformerConfig(architecture: LLaDAMoEArchitecture.name, dModel: hiddenSize,
                                       nLayers: numHiddenLayers, nHeads: numAttentionHeads,
                                       nKVHeads: numKeyValueHeads, mlpHiddenSize: expertIntermediateSize,
                                       vocabSize: vocabSize, maxSequenceLength: maxPositionEmbeddings,
                                       ropeTheta: ropeTheta, traits: LLaDAMoEArchitecture.traits)
        config.traits.qkNorm = qkLayernorm
        config.rmsNormEps = rmsNormEps
        config.maskTokenId = maskTokenId
        config.eosTokenId = eosTokenId
        config.padTokenId = padTokenId
        config.weightTying = tieWordEmbeddings
        config.experts = ExpertConfig(count: numExperts, perToken: numExpertsPerTok)
        return config
    }

    /// What this reader does not model, if the file asks for it.
    public var problem: String? {
        if hiddenAct != "silu" { return "hidden_act \(hiddenAct) is not supported (silu)" }
        if ropeScalingIsSet { return "rope_scaling is not supported (only plain rope_theta frequencies)" }
        if clipQKVIsSet { return "clip_qkv is not supported" }
        if attentionBias { return "attention_bias true is not supported" }
        if partialRotaryFactor != 1 { return "partial_rotary_factor \(partialRotaryFactor) is not supported (1: RoPE over the whole head)" }
        if let shared = sharedExpertIntermediateSize, shared > 0 {
            return "shared_expert_intermediate_size \(shared) is not supported (no shared expert)"
        }
        if let freq = moeLayerFreq, freq.contains(0) { return "moe_layer_freq \(freq) has dense layers; every layer must be a mixture of experts" }
        if moeRouterEnableExpertBias { return "moe_router_enable_expert_bias true is not supported" }
        if let score = moeRouterScoreFunction, score != "softmax" {
            return "moe_router_score_function \(score) is not supported (softmax)"
        }
        return nil
    }
}
