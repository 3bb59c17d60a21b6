/// The block stack's hyperparameters from a GGUF file's metadata, under the keys llama.cpp's
/// converter writes for architectures `llada` and `dream` (`<arch>.embedding_length`, …,
/// `tokenizer.ggml.*_token_id`, `diffusion.shift_logits`).
public enum GGUFHyperparameters {
    public static let supportedArchitectures = ["llada", "dream"]

    /// The configuration and tensor layout of `file`'s model.
    public static func read(_ file: GGUFFile) throws -> (config: LLaDAConfig, layout: TensorLayout) {
        guard let architecture = file.architecture else {
            throw ModelError.invalidGGUF(path: file.path, problem: "no general.architecture")
        }
        guard supportedArchitectures.contains(architecture) else {
            throw ModelError.unsupportedArchitecture(path: file.path, architecture: architecture)
        }
        let keys = MetadataKeys(file: file, architecture: architecture)
        guard let embedding = file.tensor("token_embd.weight") else {
            throw ModelError.missingTensor(path: file.path, name: "token_embd.weight")
        }
        guard embedding.dimensions.count == 2 else {
            throw ModelError.invalidGGUF(path: file.path, problem: "token_embd.weight has dimensions \(embedding.dimensions), expected [embedding_length, vocabulary]")
        }
        let heads = try keys.integer("attention.head_count")
        var config = LLaDAConfig(
            dModel: try keys.integer("embedding_length"),
            nLayers: try keys.integer("block_count"),
            nHeads: heads,
            nKVHeads: try keys.integer("attention.head_count_kv", default: heads),
            mlpHiddenSize: try keys.integer("feed_forward_length"),
            vocabSize: try keys.integer("vocab_size", default: embedding.shape[0]),
            maxSequenceLength: try keys.integer("context_length", default: 4096),
            ropeTheta: try keys.number("rope.freq_base", default: 10_000))
        config.modelType = architecture
        config.embeddingSize = embedding.shape[0]
        // A Double beyond Float's range becomes ±∞ here, which the bounds check rejects.
        config.rmsNormEps = Float(try keys.number("attention.layer_norm_rms_epsilon"))
        config.maskTokenId = try maskTokenID(file, keys)
        config.eosTokenId = try keys.integer(global: "tokenizer.ggml.eos_token_id")
        config.padTokenId = try keys.optionalInteger(global: "tokenizer.ggml.padding_token_id")
        config.weightTying = file.tensor("output.weight") == nil
        config.qkvBias = architecture == "dream"
        // llama.cpp's diffusion example shifts unless the file says not to; LLaDA files say so.
        config.shiftsLogits = try keys.bool(global: "diffusion.shift_logits", default: architecture == "dream")
        if let problem = config.problem(naming: .gguf(architecture)) {
            throw ModelError.invalidConfig(path: file.path, problem: problem)
        }
        let rotaryDimensions = try keys.integer("rope.dimension_count", default: config.headDim)
        if rotaryDimensions != config.headDim {
            throw ModelError.invalidConfig(path: file.path, problem: "\(architecture).rope.dimension_count \(rotaryDimensions) differs from the head dimension \(config.headDim); partial rotary embeddings are not supported")
        }
        let layout = TensorLayout.gguf(rotaryPairing: architecture == "llada" ? .adjacent : .halves)
        return (config, layout)
    }

    /// `tokenizer.ggml.mask_token_id`, or else the id of LLaDA's `<|mdm_mask|>` token.
    private static func maskTokenID(_ file: GGUFFile, _ keys: MetadataKeys) throws -> Int {
        if let id = try keys.optionalInteger(global: "tokenizer.ggml.mask_token_id") { return id }
        if let id = file.metadata["tokenizer.ggml.tokens"]?.array?.firstIndex(of: .string("<|mdm_mask|>")) {
            return id
        }
        throw ModelError.invalidConfig(path: file.path, problem: "no tokenizer.ggml.mask_token_id and no <|mdm_mask|> token")
    }
}

/// Typed reads of `<architecture>.<name>` and global keys, failing with the key at fault.
private struct MetadataKeys {
    let file: GGUFFile
    let architecture: String

    func integer(_ name: String, default fallback: Int? = nil) throws -> Int {
        try integer(global: "\(architecture).\(name)", default: fallback)
    }

    func integer(global key: String, default fallback: Int? = nil) throws -> Int {
        if let value = try optionalInteger(global: key) { return value }
        if let fallback { return fallback }
        throw missing(key)
    }

    func optionalInteger(global key: String) throws -> Int? {
        guard let value = file.metadata[key] else { return nil }
        guard let integer = value.integer else { throw wrongType(key, value, expected: "an integer") }
        return integer
    }

    func number(_ name: String, default fallback: Double? = nil) throws -> Double {
        let key = "\(architecture).\(name)"
        guard let value = file.metadata[key] else {
            if let fallback { return fallback }
            throw missing(key)
        }
        guard let number = value.number else { throw wrongType(key, value, expected: "a number") }
        return number
    }

    func bool(global key: String, default fallback: Bool) throws -> Bool {
        guard let value = file.metadata[key] else { return fallback }
        guard let flag = value.bool else { throw wrongType(key, value, expected: "a bool") }
        return flag
    }

    private func missing(_ key: String) -> ModelError {
        .invalidConfig(path: file.path, problem: "metadata key \(key) is missing")
    }

    private func wrongType(_ key: String, _ value: GGUFValue, expected: String) -> ModelError {
        .invalidConfig(path: file.path, problem: "metadata key \(key) is \(value.typeName), expected \(expected)")
    }
}
