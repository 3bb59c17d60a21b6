import Foundation

/// `config.json` of the Qwen-based block-diffusion families (SDAR/TraDo on Qwen3, Fast-dLLM v2
/// on Qwen2.5): Qwen's keys, plus the block length where the file states one. Defaults are those
/// of each family's configuration file (docs/block-diffusion.md), passed in by the architecture.
public struct QwenBlockConfig: Codable, ArchitectureConfigFile, Sendable {
    public var stack: HuggingFaceStack
    public var intermediateSize: Int
    /// Qwen3's own key; nil: hidden / heads.
    public var headDim: Int?
    public var attentionBias: Bool
    public var maskTokenId: Int?
    public var eosTokenId: Int?
    /// Fast-dLLM v2's `bd_size`; SDAR's `block_size` where a config carries it.
    public var blockSize: Int?
    public var slidingWindowIsUsed: Bool

    enum CodingKeys: String, CodingKey {
        case intermediateSize = "intermediate_size"
        case headDim = "head_dim"
        case attentionBias = "attention_bias"
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
        case bdSize = "bd_size"
        case blockSize = "block_size"
        case useSlidingWindow = "use_sliding_window"
    }

    public init(from decoder: Decoder) throws {
        stack = try HuggingFaceStack(from: decoder, defaults: .init(maxPositionEmbeddings: 32768, ropeTheta: 10_000,
                                                                    rmsNormEps: 1e-6))
        let c = try decoder.container(keyedBy: CodingKeys.self)
        intermediateSize = try c.decode(Int.self, forKey: .intermediateSize)
        headDim = try c.decodeIfPresent(Int.self, forKey: .headDim)
        attentionBias = try c.value(.attentionBias, or: false)
        maskTokenId = try c.decodeIfPresent(Int.self, forKey: .maskTokenId)
        // Qwen's generation configs list several; config.json has one.
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId)
        blockSize = try c.decodeIfPresent(Int.self, forKey: .bdSize) ?? c.decodeIfPresent(Int.self, forKey: .blockSize)
        slidingWindowIsUsed = try c.value(.useSlidingWindow, or: false)
    }

    /// Keys written for the fingerprint: config.json's own names.
    public func encode(to encoder: Encoder) throws {
        try stack.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(intermediateSize, forKey: .intermediateSize)
        try c.encodeIfPresent(headDim, forKey: .headDim)
        try c.encode(attentionBias, forKey: .attentionBias)
        try c.encodeIfPresent(maskTokenId, forKey: .maskTokenId)
        try c.encodeIfPresent(eosTokenId, forKey: .eosTokenId)
        try c.encodeIfPresent(blockSize, forKey: .blockSize)
        try c.encode(slidingWindowIsUsed, forKey: .useSlidingWindow)
    }

    /// What this reader does not model, if the file asks for it.
    public var problem: String? {
        if let problem = stack.ropeScalingProblem ?? stack.hiddenActProblem { return problem }
        if slidingWindowIsUsed { return "use_sliding_window true is not supported" }
        return nil
    }

    /// The shared block stack's hyperparameters with the family's traits and ids.
    func transformerConfig(architecture: String, traits: TransformerTraits, maskTokenId: Int, eosTokenId: Int,
                           blockLength: Int) -> TransformerConfig {
        var config = stack.transformerConfig(architecture: architecture, traits: traits, mlpHiddenSize: intermediateSize,
                                             maskTokenId: maskTokenId, eosTokenId: eosTokenId)
        config.statedHeadDim = headDim
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
