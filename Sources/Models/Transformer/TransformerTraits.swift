/// What sets one architecture's block stack apart from LLaDA's plain one; each architecture's
/// descriptor states its own, and the shared forward reads them.
public struct TransformerTraits: Codable, Equatable, Sendable {
    /// Position i's prediction is logits row i − 1 (row 0 for position 0), as Dream was trained
    /// from an autoregressive model; LLaDA predicts each position in place.
    public var shiftsLogits: Bool
    /// Biases on the q, k and v projections (Dream, after Qwen2).
    public var qkvBias: Bool
    /// RMSNorm of every q and k head (weights of head_dim) before the rotary embedding
    /// (LLaDA-MoE, after OLMoE).
    public var qkNorm: Bool
    /// RoPE turns only the first `rotaryDimensions` of each q/k head, with frequencies over those
    /// dims (LLaDA2's partial_rotary_factor); nil turns the whole head.
    public var rotaryDimensions: Int?
    /// A bias on the attention output projection too (SDAR/Qwen3 with `attention_bias`).
    public var outputBias: Bool

    public init(shiftsLogits: Bool = false, qkvBias: Bool = false, qkNorm: Bool = false,
                rotaryDimensions: Int? = nil, outputBias: Bool = false) {
        self.shiftsLogits = shiftsLogits
        self.qkvBias = qkvBias
        self.qkNorm = qkNorm
        self.rotaryDimensions = rotaryDimensions
        self.outputBias = outputBias
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        shiftsLogits = try c.decode(Bool.self, forKey: .shiftsLogits)
        qkvBias = try c.decode(Bool.self, forKey: .qkvBias)
        qkNorm = try c.decode(Bool.self, forKey: .qkNorm)
        rotaryDimensions = try c.decodeIfPresent(Int.self, forKey: .rotaryDimensions)
        outputBias = try c.decodeIfPresent(Bool.self, forKey: .outputBias) ?? false
    }
}
