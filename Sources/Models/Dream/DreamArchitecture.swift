/// Dream (HKUNLP/Dream-v0): Qwen2's block stack made bidirectional, with q/k/v biases and
/// logits shifted by one position because it was initialised from an autoregressive model.
public struct DreamArchitecture: ModelArchitecture {
    public static let name = "dream"
    /// Dream-v0's `<|mask|>` and `<|endoftext|>`, for configs that do not name them.
    public static let maskTokenId = 151_666
    public static let eosTokenId = 151_643
    /// Dream's attention always builds q, k and v with bias=True.
    public static let traits = TransformerTraits(shiftsLogits: true, qkvBias: true)

    public init() {}

    public var name: String { Self.name }
    public var huggingFaceArchitectures: [String] { ["DreamModel"] }
    public var modelTypes: [String] { ["dream"] }
    public var ggufArchitecture: String? { "dream" }
    public var traits: TransformerTraits { Self.traits }

    /// Dream's Hugging Face names, those of Qwen2.
    public var huggingFaceLayout: TensorLayout { qwenHuggingFaceLayout }

    /// llama.cpp leaves Dream's q/k rows alone and rotates them in halves ("neox").
    public var ggufLayout: TensorLayout? { .gguf(rotaryPairing: .halves) }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        try configuration(json, as: DreamConfig.self, naming: .dream) { $0.transformerConfig }
    }
}
