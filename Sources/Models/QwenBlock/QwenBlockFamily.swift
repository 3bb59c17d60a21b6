import Foundation

/// A Qwen-based block-diffusion family (SDAR, Fast-dLLM v2): one config.json reader, Qwen's
/// tensor names, and ids and block length from the file, else the tokenizer, else the family's.
/// llama.cpp converts neither family, so there is no GGUF side.
protocol QwenBlockFamily: ModelArchitecture {
    /// The mask token's text, looked up among the folder's added tokens when config.json has no id.
    static var maskToken: String { get }
    static var maskTokenId: Int { get }
    static var eosTokenId: Int { get }
    static var defaultBlockLength: Int { get }
    /// The family's traits as this file sets them.
    func traits(for file: QwenBlockConfig) -> TransformerTraits
}

extension QwenBlockFamily {
    public var ggufArchitecture: String? { nil }
    public var ggufLayout: TensorLayout? { nil }

    public func configuration(_ json: ConfigJSON) throws -> ModelConfiguration {
        let folder = (json.path as NSString).deletingLastPathComponent
        return try configuration(json, as: QwenBlockConfig.self, naming: .dream) { file in
            file.transformerConfig(
                architecture: name, traits: traits(for: file),
                maskTokenId: file.maskTokenId ?? QwenBlockConfig.addedTokenId(Self.maskToken, folder: folder) ?? Self.maskTokenId,
                eosTokenId: file.eosTokenId ?? Self.eosTokenId,
                blockLength: file.blockSize ?? Self.defaultBlockLength)
        }
    }
}
