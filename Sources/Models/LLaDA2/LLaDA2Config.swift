import Foundation

/// `config.json` of LLaDA2.0/2.1 (inclusionAI/LLaDA2.0-mini), keys as in dInfer
/// configuration_llada2_moe.py. The block stack's shapes are required; the rest default to the
/// shipped mini model's values, and the mask id (not in the file) to the tokenizer's.
public struct LLaDA2Config: Codable, ArchitectureConfigFile, Sendable {
    public var stack: HuggingFaceStack
    public var intermediateSize: Int
    public var headDim: Int
    public var partialRotaryFactor: Double
    public var maskTokenId: Int
    public var eosTokenId: Int
    public var useQKVBias: Bool
    public var useBias: Bool
    public var useQKNorm: Bool
    public var normHead: Bool
    public var numExperts: Int
    public var numExpertsPerTok: Int
    public var numSharedExperts: Int
    public var moeIntermediateSize: Int
    public var nGroup: Int
    public var topkGroup: Int
    public var routedScalingFactor: Float
    public var firstKDenseReplace: Int
    public var scoreFunction: String
    public var moeRouterEnableExpertBias: Bool
    /// Read for the fingerprint only: dInfer's gate normalises the chosen scores whatever it says.
    public var normTopkProb: Bool

    enum CodingKeys: String, CodingKey {
        case intermediateSize = "intermediate_size", headDim = "head_dim"
        case partialRotaryFactor = "partial_rotary_factor", maskTokenId = "mask_token_id", eosTokenId = "eos_token_id"
        case useQKVBias = "use_qkv_bias", useBias = "use_bias", useQKNorm = "use_qk_norm", normHead = "norm_head"
        case numExperts = "num_experts", numExpertsPerTok = "num_experts_per_tok"
        case numSharedExperts = "num_shared_experts", moeIntermediateSize = "moe_intermediate_size"
        case nGroup = "n_group", topkGroup = "topk_group", routedScalingFactor = "routed_scaling_factor"
        case firstKDenseReplace = "first_k_dense_replace", scoreFunction = "score_function"
        case moeRouterEnableExpertBias = "moe_router_enable_expert_bias", normTopkProb = "norm_topk_prob"
    }

    public init(from decoder: Decoder) throws {
        stack = try HuggingFaceStack(from: decoder, defaults: .init(maxPositionEmbeddings: 16_384, ropeTheta: 600_000,
                                                                    rmsNormEps: 1e-6))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        headDim = try c.value(.headDim, or: stack.numAttentionHeads > 0 ? stack.hiddenSize / stack.numAttentionHeads : 0)
        partialRotaryFactor = try c.value(.partialRotaryFactor, or: 0.5)
        maskTokenId = try c.value(.maskTokenId, or: LLaDA2Architecture.maskTokenId)
        eosTokenId = try c.value(.eosTokenId, or: LLaDA2Architecture.eosTokenId)
        useQKVBias = try c.value(.useQKVBias, or: false)
        useBias = try c.value(.useBias, or: false)
        useQKNorm = try c.value(.useQKNorm, or: true)
        normHead = try c.value(.normHead, or: false)
        numExperts = try c.decode(Int.self, forKey: .numExperts)
        numExpertsPerTok = try c.decode(Int.self, forKey: .numExpertsPerTok)
        numSharedExperts = try c.value(.numSharedExperts, or: 0)
        moeIntermediateSize = try c.decode(Int.self, forKey: .moeIntermediateSize)
        nGroup = try c.value(.nGroup, or: 1)
        topkGroup = try c.value(.topkGroup, or: 1)
        routedScalingFactor = try c.value(.routedScalingFactor, or: 1)
        firstKDenseReplace = try c.value(.firstKDenseReplace, or: 0)
        scoreFunction = try c.value(.scoreFunction, or: "sigmoid")
        moeRouterEnableExpertBias = try c.value(.moeRouterEnableExpertBias, or: true)
        normTopkProb = try c.value(.normTopkProb, or: true)
    }

    /// Keys written for the fingerprint: config.json's own names.
    public func encode(to encoder: Encoder) throws {
        try stack.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encode(headDim, forKey: .headDim)
        try c.encode(partialRotaryFactor, forKey: .partialRotaryFactor)
        try c.encode(maskTokenId, forKey: .maskTokenId)
        try c.encode(eosTokenId, forKey: .eosTokenId)
        try c.encode(useQKVBias, forKey: .useQKVBias)
        try c.encode(useBias, forKey: .useBias)
        try c.encode(useQKNorm, forKey: .useQKNorm)
        try c.encode(normHead, forKey: .normHead)
        try c.encode(numExperts, forKey: .numExperts)
        try c.encode(numExpertsPerTok, forKey: .numExpertsPerTok)
        try c.encode(numSharedExperts, forKey: .numSharedExperts)
        try c.encode(moeIntermediateSize, forKey: .moeIntermediateSize)
        try c.encode(nGroup, forKey: .nGroup)
        try c.encode(topkGroup, forKey: .topkGroup)
        try c.encode(routedScalingFactor, forKey: .routedScalingFactor)
        try c.encode(firstKDenseReplace, forKey: .firstKDenseReplace)
        try c.encode(scoreFunction, forKey: .scoreFunction)
        try c.encode(moeRouterEnableExpertBias, forKey: .moeRouterEnableExpertBias)
        try c.encode(normTopkProb, forKey: .normTopkProb)
    }

    /// Dims of each q/k head the rotary embedding turns: int(head_dim · partial_rotary_factor).
    public var rotaryDimensions: Int { Int(Double(headDim) * partialRotaryFactor) }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        var config = stack.transformerConfig(architecture: LLaDA2Architecture.name, traits: LLaDA2Architecture.traits,
                                             mlpHiddenSize: moeIntermediateSize, maskTokenId: maskTokenId,
                                             eosTokenId: eosTokenId)
        config.traits.qkNorm = useQKNorm
        config.traits.rotaryDimensions = rotaryDimensions == headDim ? nil : rotaryDimensions
        config.experts = ExpertConfig(
            count: numExperts, perToken: numExpertsPerTok,
            router: .groupedSigmoid(groups: nGroup, groupsKept: topkGroup, scale: routedScalingFactor),
            sharedHiddenSize: numSharedExperts > 0 ? moeIntermediateSize * numSharedExperts : nil,
            leadingDenseLayers: firstKDenseReplace, denseHiddenSize: intermediateSize)
        config.blockLength = LLaDA2Architecture.defaultBlockLength
        return config
    }

    /// What this reader does not model, if the file asks for it (sizes are range-checked by
    /// `TransformerConfig.problem` after this).
    public var problem: String? {
        if let problem = stack.hiddenActProblem { return problem }
        if scoreFunction != "sigmoid" { return "score_function \(scoreFunction) is not supported (sigmoid)" }
        if let problem = stack.ropeScalingProblem { return problem }
        if useQKVBias { return "use_qkv_bias true is not supported" }
        if useBias { return "use_bias true is not supported" }
        if normHead { return "norm_head true is not supported" }
        let (hiddenSize, numAttentionHeads, numHiddenLayers) = (stack.hiddenSize, stack.numAttentionHeads, stack.numHiddenLayers)
        let counts: [(String, Int, ClosedRange<Int>)] = [
            ("hidden_size", hiddenSize, 1...ModelBounds.maxWidth), ("num_attention_heads", numAttentionHeads, 1...ModelBounds.maxHeads),
            ("num_hidden_layers", numHiddenLayers, 1...ModelBounds.maxLayers),
            ("intermediate_size", intermediateSize, 1...ModelBounds.maxWidth),
            ("moe_intermediate_size", moeIntermediateSize, 1...ModelBounds.maxWidth),
            ("num_experts", numExperts, 1...ModelBounds.maxWidth), ("n_group", nGroup, 1...ModelBounds.maxWidth),
            ("num_experts_per_tok", numExpertsPerTok, 1...ModelBounds.maxWidth),
            ("num_shared_experts", numSharedExperts, 0...64),
        ]
        for (name, value, range) in counts {
            if let problem = ModelBounds.check(name, value, range) { return problem }
        }
        if headDim != hiddenSize / numAttentionHeads {
            return "head_dim \(headDim) is not supported: it must be hidden_size / num_attention_heads (\(hiddenSize / numAttentionHeads))"
        }
        if !(partialRotaryFactor > 0 && partialRotaryFactor <= 1) || rotaryDimensions < 2 || rotaryDimensions % 2 != 0 {
            return "partial_rotary_factor \(partialRotaryFactor) gives \(rotaryDimensions) rotary dims of head_dim \(headDim): need an even number ≥ 2"
        }
        if numExperts % nGroup != 0 || numExperts / nGroup < 2 {
            return "num_experts \(numExperts) must split into n_group \(nGroup) groups of at least 2"
        }
        if !(1...nGroup).contains(topkGroup) { return "topk_group \(topkGroup) must be from 1 to n_group \(nGroup)" }
        if numExpertsPerTok > topkGroup * (numExperts / nGroup) {
            return "num_experts_per_tok \(numExpertsPerTok) exceeds the \(topkGroup * (numExperts / nGroup)) experts of topk_group \(topkGroup) groups"
        }
        if !(0...numHiddenLayers).contains(firstKDenseReplace) {
            return "first_k_dense_replace \(firstKDenseReplace) must be from 0 to num_hidden_layers \(numHiddenLayers)"
        }
        if let problem = ModelBounds.check("num_shared_experts × moe_intermediate_size", moeIntermediateSize * numSharedExperts,
                                           0...ModelBounds.maxWidth) {
            return problem
        }
        if !routedScalingFactor.isFinite || routedScalingFactor <= 0 {
            return "routed_scaling_factor \(routedScalingFactor) must be a finite number > 0"
        }
        return nil
    }
}
