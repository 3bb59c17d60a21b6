import Foundation

/// Fast-dLLM v2 (NVlabs/Fast-dLLM `v2/`, Efficient-Large-Model/Fast_dLLM_v2_7B): Qwen2.5 with
/// q/k/v biases under a block-causal mask of `bd_size` (32); position i's prediction is logits
/// row i − 1 inside the block (its loop shifts them), as it was trained from an AR model.
public struct FastDLLMv2Architecture: ModelArchitecture {
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
    public var ggufArchitecture: String? { nil }
    public var traits: TransformerTraits { TransformerTraits(shiftsLogits: true, qkvBias: true, qkNorm: false) }
    public var huggingFaceLayout: TensorLayout { qwenHuggingFaceLayout }
    public var ggufLayout: TensorLayout? { nil }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        let file = try json.decode(QwenBlockConfig.self)
        if let problem = file.problem { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        let folder = (json.path as NSString).deletingLastPathComponent
        let transformer = file.transformerConfig(
            architecture: name, traits: traits,
            maskTokenId: file.maskTokenId ?? QwenBlockConfig.addedTokenId(Self.maskToken, folder: folder) ?? Self.maskTokenId,
            eosTokenId: file.eosTokenId ?? Self.eosTokenId,
            blockLength: file.blockSize ?? Self.defaultBlockLength)
        if let problem = transformer.problem(naming: .dream) { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        return ModelConfiguration(architecture: self, transformer: transformer,
                                  layout: huggingFaceLayout, fingerprint: ModelIdentity.fingerprint(of: file))
    }
}
