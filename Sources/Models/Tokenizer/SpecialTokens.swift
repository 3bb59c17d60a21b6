/// The ids that play a role in decoding, where the tokenizer has them.
public struct SpecialTokens: Equatable, Sendable {
    /// Beginning of text.
    public var bos: Int?
    /// End of text; LLaDA also pads answers with it.
    public var eos: Int?
    public var pad: Int?
    /// The masked-canvas token of a diffusion model.
    public var mask: Int?
    /// End of a chat turn.
    public var endOfTurn: Int?

    public init(bos: Int? = nil, eos: Int? = nil, pad: Int? = nil, mask: Int? = nil, endOfTurn: Int? = nil) {
        self.bos = bos
        self.eos = eos
        self.pad = pad
        self.mask = mask
        self.endOfTurn = endOfTurn
    }

    /// Contents tried, in order, when tokenizer_config.json does not name the token. LLaDA's
    /// config names no mask token at all.
    static let conventionalBOS = ["<|startoftext|>", "<|begin_of_text|>", "<s>"]
    static let conventionalEOS = ["<|endoftext|>", "<|end_of_text|>", "</s>"]
    static let conventionalMask = ["<|mdm_mask|>", "<|mask|>", "[MASK]", "<mask>"]
    static let conventionalEndOfTurn = ["<|eot_id|>", "<|im_end|>"]
}
