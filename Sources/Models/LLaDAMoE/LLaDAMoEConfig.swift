/// `config.json` of LLaDA-MoE (inclusionAI/LLaDA-MoE-7B-A1B, `architectures` ["LLaDAMoEModelLM"];
/// its file says `model_type` "llada"), keys as in dInfer tools/configuration_lladamoe.py. OLMoE's
/// block stack made bidirectional: per-head q/k RMSNorm, rotate-half RoPE, a softmax-routed
/// mixture of experts in every block. Defaults are those of the shipped model where the file
/// lacks a key (the mask id is only on the model card).
public struct LLaDAMoEConfig: Codable, ArchitectureConfigFile, Sendable {
    public var stack: HuggingFaceStack
    public var maskTokenId: Int
    public var eosTokenId: Int
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
    /// Set only to be refused: it would change the forward.
    public var clipQKVIsSet: Bool

    enum CodingKeys: String, CodingKey {
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
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
        case clipQKV = "clip_qkv"
    }

    public init(from decoder: Decoder) throws {
        stack = try HuggingFaceStack(from: decoder, defaults: .init(maxPositionEmbeddings: 4096, ropeTheta: nil,
                                                                    rmsNormEps: 1e-5))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        maskTokenId = try c.value(.maskTokenId, or: LLaDAMoEArchitecture.maskTokenId)
        eosTokenId = try c.value(.eosTokenId, or: LLaDAMoEArchitecture.eosTokenId)
        numExperts = try c.decode(Int.self, forKey: .numExperts)
        numExpertsPerTok = try c.decode(Int.self, forKey: .numExpertsPerTok)
        expertIntermediateSize = try c.decode(Int.self, forKey: .expertIntermediateSize)
        sharedExpertIntermediateSize = try c.decodeIfPresent(Int.self, forKey: .sharedExpertIntermediateSize)
        qkLayernorm = try c.value(.qkLayernorm, or: true)
        moeLayerFreq = try c.decodeIfPresent([Int].self, forKey: .moeLayerFreq)
        moeRouterEnableExpertBias = try c.value(.moeRouterEnableExpertBias, or: false)
        moeRouterScoreFunction = try c.decodeIfPresent(String.self, forKey: .moeRouterScoreFunction)
        partialRotaryFactor = try c.value(.partialRotaryFactor, or: 1)
        attentionBias = try c.value(.attentionBias, or: false)
        clipQKVIsSet = try c.isSet(.clipQKV)
    }

    /// Keys written for the fingerprint: config.json's own names.
    public func encode(to encoder: Encoder) throws {
        try stack.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(maskTokenId, forKey: .maskTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
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
        try c.encode(clipQKVIsSet, forKey: .clipQKV)
    }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        var config = stack.transformerConfig(architecture: LLaDAMoEArchitecture.name, traits: LLaDAMoEArchitecture.traits,
                                             mlpHiddenSize: expertIntermediateSize, maskTokenId: maskTokenId,
                                             eosTokenId: eosTokenId)
        config.traits.qkNorm = qkLayernorm
        config.experts = ExpertConfig(count: numExperts, perToken: numExpertsPerTok)
        return config
    }

    /// What this reader does not model, if the file asks for it.
    public var problem: String? {
        if let problem = stack.hiddenActProblem ?? stack.ropeScalingProblem { return problem }
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
