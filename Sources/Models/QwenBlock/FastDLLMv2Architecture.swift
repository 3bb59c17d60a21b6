/// Fast-dLLM v2 (NVlabs/Fast-dLLM `v2/`, Efficient-Large-Model/Fast_dLLM_v2_7B): Qwen2.5 with
/// q/k/v biases under a block-causal mask of `bd_size` (32); position i's prediction is logits
/// row i − 1 inside the block (its loop shifts them), as it was trained from an AR model.
public struct FastDLLMv2Architecture: QwenBlockFamily {
    public static let name = "fast-dllm-v2"
    /// `|<MASK>|`, an added token of its tokenizer.
    public static let maskTokenId = 151_665
    public static let maskToken = "|<MASK>|"
    /// `<|im_end|>`: its `generate`'s `stop_token` default.
    public static let eosTokenId = 151_645
    public static let defaultBlockLength = 32

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["Fast_dLLM_QwenForCausalLM"] }
    public var modelTypes: [String] { ["fast_dllm_qwen"] }
    public var traits: TransformerTraits { TransformerTraits(shiftsLogits: true, qkvBias: true, qkNorm: false) }
    public var huggingFaceLayout: TensorLayout { qwenHuggingFaceLayout }

    func traits(for file: QwenBlockConfig) -> TransformerTraits { traits }
}
