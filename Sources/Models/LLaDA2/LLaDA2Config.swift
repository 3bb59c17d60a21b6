import Foundation

/// `config.json` of LLaDA2.0/2.1 (inclusionAI/LLaDA2.0-mini), keys as in dInfer
/// configuration_llada2_moe.py. The block stack's shapes are required; the rest default to the
/// shipped mini model's values, and the mask id (not in the file) to the tokenizer's.
public struct LLaDA2Config: Codable, Sendable {
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    public var numKeyValueHeads: Int
    public var headDim: Int
    public var vocabSize: Int
    public var maxPositionEmbeddings: Int
    public var ropeTheta: Double
    public var partialRotaryFactor: Double
    public var rmsNormEps: Float
    public var tieWordEmbeddings: Bool
    public var maskTokenId: Int
    public var eosTokenId: Int
    public var padTokenId: Int?
    public var hiddenAct: String
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
    /// Set only to be refused: it would change the rotary frequencies.
    public var ropeScalingIsSet: Bool

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size"
        case numHiddenLayers = "num_hidden_layers", numAttentionHeads = "num_attention_heads"
        case numKeyValueHeads = "num_key_value_heads", headDim = "head_dim", vocabSize = "vocab_size"
        case maxPositionEmbeddings = "max_position_embeddings", ropeTheta = "rope_theta"
        case partialRotaryFactor = "partial_rotary_factor", rmsNormEps = "rms_norm_eps"
        case tieWordEmbeddings = "tie_word_embeddings", maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id", padTokenId = "pad_token_id", hiddenAct = "hidden_act"
        case useQKVBias = "use_qkv_bias", useBias = "use_bias", useQKNorm = "use_qk_norm", normHead = "norm_head"
        case numExperts = "num_experts", numExpertsPerTok = "num_experts_per_tok"
        case numSharedExperts = "num_shared_experts", moeIntermediateSize = "moe_intermediate_size"
        case nGroup = "n_group", topkGroup = "topk_group", routedScalingFactor = "routed_scaling_factor"
        case firstKDenseReplace = "first_k_dense_replace", scoreFunction = "score_function"
        case moeRouterEnableExpertBias = "moe_router_enable_expert_bias", normTopkProb = "norm_topk_prob"
        case ropeScalingIsSet = "rope_scaling"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func value<T: Decodable>(_ key: CodingKeys, _ fallback: T) throws -> T {
            try c.decodeIfPresent(T.self, forKey: key) ?? fallback
        }
        hiddenSize = try c.decode(Int.self, forKey: .hiddenSize)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        numHiddenLayers = try c.decode(Int.self, forKey: .numHiddenLayers)
        numAttentionHeads = try c.decode(Int.self, forKey: .numAttentionHeads)
        numKeyValueHeads = try value(.numKeyValueHeads, numAttentionHeads)
        headDim = try value(.headDim, numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        maxPositionEmbeddings = try value(.maxPositionEmbeddings, 16_384)
        ropeTheta = try value(.ropeTheta, 600_000)
        partialRotaryFactor = try value(.partialRotaryFactor, 0.5)
        rmsNormEps = try value(.rmsNormEps, 1e-6)
        tieWordEmbeddings = try value(.tieWordEmbeddings, false)
        maskTokenId = try value(.maskTokenId, LLaDA2Architecture.maskTokenId)
        eosTokenId = try value(.eosTokenId, LLaDA2Architecture.eosTokenId)
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        hiddenAct = try value(.hiddenAct, "silu")
        useQKVBias = try value(.useQKVBias, false)
        useBias = try value(.useBias, false)
        useQKNorm = try value(.useQKNorm, true)
        normHead = try value(.normHead, false)
        numExperts = try c.decode(Int.self, forKey: .numExperts)
        numExpertsPerTok = try c.decode(Int.self, forKey: .numExpertsPerTok)
        numSharedExperts = try value(.numSharedExperts, 0)
        moeIntermediateSize = try c.decode(Int.self, forKey: .moeIntermediateSize)
        nGroup = try value(.nGroup, 1)
        topkGroup = try value(.topkGroup, 1)
        routedScalingFactor = try value(.routedScalingFactor, 1)
        firstKDenseReplace = try value(.firstKDenseReplace, 0)
        scoreFunction = try value(.scoreFunction, "sigmoid")
        moeRouterEnableExpertBias = try value(.moeRouterEnableExpertBias, true)
        normTopkProb = try value(.normTopkProb, true)
        ropeScalingIsSet = try c.contains(.ropeScalingIsSet) && !c.decodeNil(forKey: .ropeScalingIsSet)
    }

    /// Dims of each q/k head the rotary embedding turns: int(head_dim · partial_rotary_factor).
    public var rotaryDimensions: Int { Int(Double(headDim) * partialRotaryFactor) }

    /// The same model as the shared block stack's hyperparameters.
    public var transformerConfig: TransformerConfig {
        var config = TransformerConfig(architecture: LLaDA2Architecture.name, dModel: hiddenSize,
                                       nLayers: numHiddenLayers, nHeads: numAttentionHeads,
                                       nKVHeads: numKeyValueHeads, mlpHiddenSize: moeIntermediateSize,
                                       vocabSize: vocabSize, maxSequenceLength: maxPositionEmbeddings,
                                       ropeTheta: ropeTheta, traits: LLaDA2Architecture.traits)
        config.traits.qkNorm = useQKNorm
        config.traits.rotaryDimensions = rotaryDimensions == headDim ? nil : rotaryDimensions
        config.rmsNormEps = rmsNormEps
        config.maskTokenId = maskTokenId
        config.eosTokenId = eosTokenId
        config.padTokenId = padTokenId
        config.weightTying = tieWordEmbeddings
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
        if hiddenAct != "silu" { return "hidden_act \(hiddenAct) is not supported (silu)" }
        if scoreFunction != "sigmoid" { return "score_function \(scoreFunction) is not supported (sigmoid)" }
        if ropeScalingIsSet { return "rope_scaling is not supported (only plain rope_theta frequencies)" }
        if useQKVBias { return "use_qkv_bias true is not supported" }
        if useBias { return "use_bias true is not supported" }
        if normHead { return "norm_head true is not supported" }
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
