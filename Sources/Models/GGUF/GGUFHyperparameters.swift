/// The block stack's hyperparameters from a GGUF file's metadata, under the keys llama.cpp's
/// converter writes for every registered architecture (`<arch>.embedding_length`, …,
/// `tokenizer.ggml.*_token_id`, `diffusion.shift_logits`); the architecture's descriptor gives
/// the traits and tensor layout the file does not state.
public enum GGUFHyperparameters {
    /// The configuration of `file`'s model.
    public static func configuration(_ file: GGUFFile) throws -> ModelConfiguration {
        guard let name = file.architecture else {
            throw ModelError.invalidGGUF(path: file.path, problem: "no general.architecture")
        }
        guard let architecture = ArchitectureRegistry.architecture(gguf: name), let layout = architecture.ggufLayout else {
            throw ModelError.unsupportedArchitecture(path: file.path, architecture: name)
        }
        let config = try transformerConfig(file, architecture: architecture, name: name)
        return ModelConfiguration(architecture: architecture, transformer: config, layout: layout,
                                  fingerprint: ModelIdentity.fingerprint(of: config))
    }

    /// The configuration and tensor layout of `file`'s model.
    public static func read(_ file: GGUFFile) throws -> (config: TransformerConfig, layout: TensorLayout) {
        let configuration = try configuration(file)
        return (configuration.transformer, configuration.layout)
    }

    private static func transformerConfig(_ file: GGUFFile, architecture descriptor: any ModelArchitecture,
                                          name architecture: String) throws -> TransformerConfig {
        let keys = MetadataKeys(file: file, architecture: architecture)
        guard let embedding = file.tensor("token_embd.weight") else {
            throw ModelError.missingTensor(path: file.path, name: "token_embd.weight")
        }
        guard embedding.dimensions.count == 2 else {
            throw ModelError.invalidGGUF(path: file.path, problem: "token_embd.weight has dimensions \(embedding.dimensions), expected [embedding_length, vocabulary]")
        }
        let heads = try keys.integer("attention.head_count")
        // A mixture of experts states its experts; its MLP size is then one expert's.
        let expertCount = try keys.optionalInteger(global: "\(architecture).expert_count")
        var config = TransformerConfig(
            architecture: descriptor.name,
            dModel: try keys.integer("embedding_length"),
            nLayers: try keys.integer("block_count"),
            nHeads: heads,
            nKVHeads: try keys.integer("attention.head_count_kv", default: heads),
            mlpHiddenSize: try keys.integer(expertCount == nil ? "feed_forward_length" : "expert_feed_forward_length"),
            vocabSize: try keys.integer("vocab_size", default: embedding.shape[0]),
            maxSequenceLength: try keys.integer("context_length", default: 4096),
            ropeTheta: try keys.number("rope.freq_base", default: 10_000),
            traits: descriptor.traits)
        config.embeddingSize = embedding.shape[0]
        // A Double beyond Float's range becomes ±∞ here, which the bounds check rejects.
        config.rmsNormEps = Float(try keys.number("attention.layer_norm_rms_epsilon"))
        config.maskTokenId = try maskTokenID(file, keys)
        config.eosTokenId = try keys.integer(global: "tokenizer.ggml.eos_token_id")
        config.padTokenId = try keys.optionalInteger(global: "tokenizer.ggml.padding_token_id")
        config.weightTying = file.tensor("output.weight") == nil
        if let expertCount {
            config.experts = try experts(count: expertCount, keys)
        }
        // llama.cpp's diffusion example shifts unless the file says not to; LLaDA files say so.
        config.traits.shiftsLogits = try keys.bool(global: "diffusion.shift_logits", default: descriptor.traits.shiftsLogits)
        let rotaryDimensions = try keys.integer("rope.dimension_count", default: config.headDim)
        if rotaryDimensions != config.headDim { config.traits.rotaryDimensions = rotaryDimensions }
        if let problem = config.problem(naming: .gguf(architecture)) {
            throw ModelError.invalidConfig(path: file.path, problem: problem)
        }
        return config
    }

    /// llama.cpp's mixture keys: softmax gating by default; sigmoid gating (`expert_gating_func`
    /// 2, BailingMoeV2/LLaDA2) with expert groups, a weight scale, a shared expert and leading
    /// dense blocks of `feed_forward_length`.
    private static func experts(count: Int, _ keys: MetadataKeys) throws -> ExpertConfig {
        var experts = ExpertConfig(count: count, perToken: try keys.integer("expert_used_count"))
        let gating = try keys.integer("expert_gating_func", default: 1)
        switch gating {
        case 1: break
        case 2:
            let scale = try keys.number("expert_weights_scale", default: 1)
            guard scale.isFinite, scale > 0, scale < 1e6 else {
                throw ModelError.invalidConfig(path: keys.file.path, problem: "metadata key \(keys.architecture).expert_weights_scale \(scale) must be a finite number > 0")
            }
            experts.router = .groupedSigmoid(groups: try keys.integer("expert_group_count", default: 1),
                                             groupsKept: try keys.integer("expert_group_used_count", default: 1), scale: Float(scale))
        default:
            throw ModelError.invalidConfig(path: keys.file.path, problem: "metadata key \(keys.architecture).expert_gating_func \(gating) is not supported (1 softmax, 2 sigmoid)")
        }
        let shared = try keys.integer("expert_shared_count", default: 0)
        if shared != 0 {
            let width = try keys.integer("expert_shared_feed_forward_length", default: try keys.integer("expert_feed_forward_length"))
            let (total, overflow) = width.multipliedReportingOverflow(by: shared)
            experts.sharedHiddenSize = overflow ? -1 : total
        }
        let dense = try keys.integer("leading_dense_block_count", default: 0)
        if dense != 0 {
            experts.leadingDenseLayers = dense
            experts.denseHiddenSize = try keys.integer("feed_forward_length")
        }
        return experts
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
