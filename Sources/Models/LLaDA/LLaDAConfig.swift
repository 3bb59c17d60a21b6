/// The hyperparameters of the bidirectional LLaMA-style block stack that LLaDA and Dream share.
/// Decoded from LLaDA's `config.json` (the coding keys are its Hugging Face keys), or converted
/// from Dream's (`DreamConfig`) or from a GGUF file's metadata (`GGUFHyperparameters`).
public struct LLaDAConfig: Codable, Equatable, Sendable {
    public var modelType: String
    public var dModel: Int
    public var nLayers: Int
    public var nHeads: Int
    public var nKVHeads: Int
    public var mlpHiddenSize: Int
    public var vocabSize: Int
    public var embeddingSize: Int
    public var maxSequenceLength: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var maskTokenId: Int
    public var eosTokenId: Int
    public var padTokenId: Int?
    public var weightTying: Bool
    public var includeBias: Bool
    public var activationType: String
    public var blockType: String
    /// Biases on the q, k and v projections (Dream, after Qwen2); not a LLaDA config.json key.
    public var qkvBias = false
    /// Position i's prediction is logits row i − 1 (row 0 for position 0), as Dream was trained;
    /// LLaDA predicts each position in place. Not a LLaDA config.json key.
    public var shiftsLogits = false

    enum CodingKeys: String, CodingKey {
        case modelType = "model_type"
        case dModel = "d_model"
        case nLayers = "n_layers"
        case nHeads = "n_heads"
        case nKVHeads = "n_kv_heads"
        case mlpHiddenSize = "mlp_hidden_size"
        case vocabSize = "vocab_size"
        case embeddingSize = "embedding_size"
        case maxSequenceLength = "max_sequence_length"
        case ropeTheta = "rope_theta"
        case rmsNormEps = "rms_norm_eps"
        case maskTokenId = "mask_token_id"
        case eosTokenId = "eos_token_id"
        case padTokenId = "pad_token_id"
        case weightTying = "weight_tying"
        case includeBias = "include_bias"
        case activationType = "activation_type"
        case blockType = "block_type"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        modelType = try c.decode(String.self, forKey: .modelType)
        dModel = try c.decode(Int.self, forKey: .dModel)
        nLayers = try c.decode(Int.self, forKey: .nLayers)
        nHeads = try c.decode(Int.self, forKey: .nHeads)
        nKVHeads = try c.decodeIfPresent(Int.self, forKey: .nKVHeads) ?? nHeads
        mlpHiddenSize = try c.decode(Int.self, forKey: .mlpHiddenSize)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        embeddingSize = try c.decodeIfPresent(Int.self, forKey: .embeddingSize) ?? vocabSize
        maxSequenceLength = try c.decodeIfPresent(Int.self, forKey: .maxSequenceLength) ?? 4096
        ropeTheta = try c.decodeIfPresent(Double.self, forKey: .ropeTheta) ?? 10_000
        rmsNormEps = try c.decodeIfPresent(Float.self, forKey: .rmsNormEps) ?? 1e-5
        maskTokenId = try c.decodeIfPresent(Int.self, forKey: .maskTokenId) ?? 126_336
        eosTokenId = try c.decodeIfPresent(Int.self, forKey: .eosTokenId) ?? 126_081
        padTokenId = try c.decodeIfPresent(Int.self, forKey: .padTokenId)
        weightTying = try c.decodeIfPresent(Bool.self, forKey: .weightTying) ?? false
        includeBias = try c.decodeIfPresent(Bool.self, forKey: .includeBias) ?? false
        activationType = try c.decodeIfPresent(String.self, forKey: .activationType) ?? "silu"
        blockType = try c.decodeIfPresent(String.self, forKey: .blockType) ?? "llama"
    }

    /// LLaDA-8B-Instruct's published shapes (DECODING.md), with `layers` blocks.
    public static func llada8B(layers: Int = 32) -> LLaDAConfig {
        LLaDAConfig(dModel: 4096, nLayers: layers, nHeads: 32, nKVHeads: 32, mlpHiddenSize: 12288,
                    vocabSize: 126_464, maxSequenceLength: 4096, ropeTheta: 500_000)
    }

    public init(dModel: Int, nLayers: Int, nHeads: Int, nKVHeads: Int, mlpHiddenSize: Int,
                vocabSize: Int, maxSequenceLength: Int, ropeTheta: Double) {
        modelType = "llada"
        self.dModel = dModel
        self.nLayers = nLayers
        self.nHeads = nHeads
        self.nKVHeads = nKVHeads
        self.mlpHiddenSize = mlpHiddenSize
        self.vocabSize = vocabSize
        embeddingSize = vocabSize
        self.maxSequenceLength = maxSequenceLength
        self.ropeTheta = ropeTheta
        rmsNormEps = 1e-5
        maskTokenId = 126_336
        eosTokenId = 126_081
        padTokenId = 126_081
        weightTying = false
        includeBias = false
        activationType = "silu"
        blockType = "llama"
    }

    /// 0 while n_heads is not positive (`problem` rejects that before the value is used).
    public var headDim: Int { nHeads > 0 ? dModel / nHeads : 0 }

    /// Reads and checks `folder/config.json`: LLaDA's keys, or Dream's for `model_type` "Dream".
    public static func load(folder: String) throws -> LLaDAConfig {
        let json = try ConfigJSON(folder: folder)
        let config: LLaDAConfig
        switch json.modelType.lowercased() {
        case "llada": config = try json.decode(LLaDAConfig.self)
        case "dream":
            let dream = try json.decode(DreamConfig.self)
            if let problem = dream.problem ?? dream.blockStack.problem(naming: .dream) {
                throw ModelError.invalidConfig(path: json.path, problem: problem)
            }
            config = dream.blockStack
        default: throw ModelError.unsupportedModelType(path: json.path, modelType: json.modelType)
        }
        if let problem = config.problem { throw ModelError.invalidConfig(path: json.path, problem: problem) }
        return config
    }

    /// What makes this configuration unusable, if anything, in LLaDA's config.json names.
    public var problem: String? { problem(naming: .llada) }

    /// Every number is range-checked (ModelBounds) before any is divided by or derived from.
    public func problem(naming names: ConfigFieldNames) -> String? {
        let sizes: [(String, Int, ClosedRange<Int>)] = [
            (names.dModel, dModel, 1...ModelBounds.maxWidth), (names.nLayers, nLayers, 1...ModelBounds.maxLayers),
            (names.nHeads, nHeads, 1...ModelBounds.maxHeads), (names.nKVHeads, nKVHeads, 1...ModelBounds.maxHeads),
            (names.mlpHiddenSize, mlpHiddenSize, 1...ModelBounds.maxWidth),
            (names.vocabSize, vocabSize, 1...ModelBounds.maxVocabulary),
            (names.embeddingSize, embeddingSize, 1...ModelBounds.maxVocabulary),
            (names.maxSequenceLength, maxSequenceLength, 1...ModelBounds.maxContext),
        ]
        for (name, value, range) in sizes {
            if let problem = ModelBounds.check(name, value, range) { return problem }
        }
        if dModel % nHeads != 0 { return "\(names.dModel) \(dModel) is not a multiple of \(names.nHeads) \(nHeads)" }
        if headDim % 2 != 0 { return "head dimension \(headDim) must be even for rotary embeddings" }
        if nHeads % nKVHeads != 0 { return "\(names.nHeads) \(nHeads) is not a multiple of \(names.nKVHeads) \(nKVHeads)" }
        if embeddingSize < vocabSize { return "\(names.embeddingSize) \(embeddingSize) is smaller than \(names.vocabSize) \(vocabSize)" }
        if let problem = ModelBounds.check(names.ropeTheta, ropeTheta, ModelBounds.ropeTheta, allowed: "a finite number from 1 to 1e12")
            ?? ModelBounds.check(names.rmsNormEps, rmsNormEps, ModelBounds.rmsNormEps, allowed: "a finite number > 0 and ≤ 1") {
            return problem
        }
        let ids = [(names.maskTokenId, maskTokenId), (names.eosTokenId, eosTokenId)] + (padTokenId.map { [(names.padTokenId, $0)] } ?? [])
        for (name, id) in ids where !(0..<embeddingSize).contains(id) {
            return "\(name) \(id) is outside the embedding's \(embeddingSize) rows"
        }
        if activationType != "silu" { return "activation_type \(activationType) is not supported (silu)" }
        if blockType != "llama" { return "block_type \(blockType) is not supported (llama)" }
        if includeBias { return "include_bias true is not supported" }
        return nil
    }
}
