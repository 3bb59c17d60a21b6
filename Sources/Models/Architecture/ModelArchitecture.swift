/// One architecture dscope runs: the names a checkpoint announces it by, how its config.json is
/// read, how its tensors are named in each format, and the traits of the block stack it builds.
/// Each architecture states this in its own folder; `ArchitectureRegistry` lists them.
public protocol ModelArchitecture: Sendable {
    /// The registry name, shown by `dscope inspect` and kept in `TransformerConfig.architecture`.
    var name: String { get }
    /// config.json `architectures` class names it answers to. They are matched before
    /// `model_type`, which relatives share (LLaDA-MoE ships `model_type` "llada").
    var huggingFaceArchitectures: [String] { get }
    /// config.json `model_type` values it answers to, lower-cased.
    var modelTypes: [String] { get }
    /// llama.cpp's `general.architecture` for it; nil where dscope reads no GGUF file of it.
    var ggufArchitecture: String? { get }
    /// What the block stack does differently from LLaDA's plain one, where the file does not say.
    var traits: TransformerTraits { get }
    /// Tensor names in the Hugging Face checkpoint.
    var huggingFaceLayout: TensorLayout { get }
    /// Tensor names (and q/k row order) in llama.cpp's GGUF conversion.
    var ggufLayout: TensorLayout? { get }
    /// Decodes and checks config.json with the architecture's own Codable config.
    func configuration(_ json: ConfigJSON) throws -> ModelConfiguration
}

/// A checkpoint's architecture and hyperparameters, read from config.json or GGUF metadata
/// without mapping any weight.
public struct ModelConfiguration: Sendable {
    public let architecture: any ModelArchitecture
    public let transformer: TransformerConfig
    public let layout: TensorLayout
    /// `ModelIdentity.fingerprint(of:)` the file's own config (config.json's keys, or the GGUF
    /// hyperparameters), for transcripts.
    public let fingerprint: String

    public init(architecture: any ModelArchitecture, transformer: TransformerConfig, layout: TensorLayout,
                fingerprint: String) {
        self.architecture = architecture
        self.transformer = transformer
        self.layout = layout
        self.fingerprint = fingerprint
    }

    /// The forward the architecture builds, on `source`'s weights.
    public func model(source: WeightSource, threads: Int) throws -> TransformerModel {
        let weights = try TransformerWeights(config: transformer, source: source, layout: layout)
        return TransformerModel(config: transformer, weights: weights, threads: threads)
    }
}
