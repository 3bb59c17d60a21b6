/// The hyperparameters of the bidirectional LLaMA-style block stack every architecture here runs
/// on (llama2.c's `Config`), in one neutral naming: each architecture converts its own config.json
/// (`LLaDAConfig`, `DreamConfig`) or a GGUF file's metadata (`GGUFHyperparameters`) into it.
public struct TransformerConfig: Codable, Equatable, Sendable {
    /// The registry name of the architecture (`ModelArchitecture.name`).
    public var architecture: String
    public var dModel: Int
    public var nLayers: Int
    public var nHeads: Int
    public var nKVHeads: Int
    public var mlpHiddenSize: Int
    public var vocabSize: Int
    /// Embedding and logit rows (LLaDA pads its embedding past the vocabulary).
    public var embeddingSize: Int
    public var maxSequenceLength: Int
    public var ropeTheta: Double
    public var rmsNormEps: Float
    public var maskTokenId: Int
    public var eosTokenId: Int
    public var padTokenId: Int?
    public var weightTying: Bool
    public var traits: TransformerTraits
    /// A mixture of experts in place of every block's gated MLP (then `mlpHiddenSize` is one
    /// expert's hidden size); nil for a dense model.
    public var experts: ExpertConfig?
    /// The head width where config.json states it apart from d_model / n_heads (Qwen3's
    /// `head_dim`); nil: d_model / n_heads.
    public var statedHeadDim: Int?
    /// Block diffusion (SDAR, Fast-dLLM v2, LLaDA2): attention is causal across blocks of this
    /// many positions and bidirectional inside one (query p sees key j iff j / B ≤ p / B), and
    /// committed blocks sit in an exact KV cache. nil: fully bidirectional.
    public var blockLength: Int?

    public init(architecture: String = LLaDAArchitecture.name, dModel: Int, nLayers: Int, nHeads: Int, nKVHeads: Int,
                mlpHiddenSize: Int, vocabSize: Int, maxSequenceLength: Int, ropeTheta: Double,
                traits: TransformerTraits = TransformerTraits()) {
        self.architecture = architecture
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
        maskTokenId = LLaDAArchitecture.maskTokenId
        eosTokenId = LLaDAArchitecture.eosTokenId
        padTokenId = LLaDAArchitecture.eosTokenId
        weightTying = false
        self.traits = traits
    }

    /// LLaDA-8B-Instruct's published shapes (DECODING.md), with `layers` blocks.
    public static func llada8B(layers: Int = 32) -> TransformerConfig {
        TransformerConfig(dModel: 4096, nLayers: layers, nHeads: 32, nKVHeads: 32, mlpHiddenSize: 12288,
                          vocabSize: 126_464, maxSequenceLength: 4096, ropeTheta: 500_000)
    }

    /// LLaDA-MoE-7B-A1B's shapes (ARCHITECTURES.md; inclusionAI's config.json), with `layers` blocks.
    public static func lladaMoE7B(layers: Int = 16) -> TransformerConfig {
        var config = TransformerConfig(architecture: LLaDAMoEArchitecture.name, dModel: 2048, nLayers: layers,
                                       nHeads: 16, nKVHeads: 16, mlpHiddenSize: 1024, vocabSize: 157_184,
                                       maxSequenceLength: 8192, ropeTheta: 50_000, traits: LLaDAMoEArchitecture.traits)
        config.maskTokenId = LLaDAMoEArchitecture.maskTokenId
        config.eosTokenId = LLaDAMoEArchitecture.eosTokenId
        config.padTokenId = LLaDAMoEArchitecture.eosTokenId
        config.experts = ExpertConfig(count: 64, perToken: 8)
        return config
    }

    /// 0 while n_heads is not positive (`problem` rejects that before the value is used).
    public var headDim: Int { statedHeadDim ?? (nHeads > 0 ? dModel / nHeads : 0) }

    /// What makes these hyperparameters unusable for the forward, if anything, in LLaDA's names.
    public var problem: String? { problem(naming: .llada) }

    /// Every number is range-checked (ModelBounds) before any is divided by or derived from;
    /// `names` words each problem in the keys of the file it came from.
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
        if let statedHeadDim, let problem = ModelBounds.check(names.headDim, statedHeadDim, 2...ModelBounds.maxWidth) {
            return problem
        }
        if let blockLength, let problem = ModelBounds.check(names.blockLength, blockLength, 1...ModelBounds.maxContext) {
            return problem
        }
        if statedHeadDim == nil, dModel % nHeads != 0 { return "\(names.dModel) \(dModel) is not a multiple of \(names.nHeads) \(nHeads)" }
        if headDim % 2 != 0 { return "head dimension \(headDim) must be even for rotary embeddings" }
        if let r = traits.rotaryDimensions, r < 2 || r > headDim || r % 2 != 0 {
            return "rotary dimensions \(r) must be even and from 2 to the head dimension \(headDim)"
        }
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
        if let experts { return experts.problem(layers: nLayers) }
        return nil
    }

    /// The widest gated-MLP hidden size of any block (dense, expert or shared), for scratch.
    var widestHidden: Int {
        [mlpHiddenSize, experts?.sharedHiddenSize ?? 0, experts?.denseHiddenSize ?? 0].max()!
    }
}

/// The sparse feed-forward of a mixture-of-experts block: `count` gated MLPs, of which the
/// router picks `perToken` for each token; optionally a shared expert every token runs, and
/// leading blocks that keep a dense MLP.
public struct ExpertConfig: Codable, Equatable, Sendable {
    public var count: Int
    public var perToken: Int
    /// How expert scores are made and chosen; nil is LLaDA-MoE's softmax top-k.
    public var router: ExpertRouter?
    /// Hidden size of the shared expert added unweighted to every token's mixture (LLaDA2).
    public var sharedHiddenSize: Int?
    /// The first blocks run a dense gated MLP of `denseHiddenSize` instead (first_k_dense_replace).
    public var leadingDenseLayers: Int?
    public var denseHiddenSize: Int?

    public init(count: Int, perToken: Int, router: ExpertRouter? = nil, sharedHiddenSize: Int? = nil,
                leadingDenseLayers: Int? = nil, denseHiddenSize: Int? = nil) {
        self.count = count
        self.perToken = perToken
        self.router = router
        self.sharedHiddenSize = sharedHiddenSize
        self.leadingDenseLayers = leadingDenseLayers
        self.denseHiddenSize = denseHiddenSize
    }

    /// What makes the mixture unusable, if anything; every count is range-checked first.
    func problem(layers: Int) -> String? {
        if count <= 0 || count > ModelBounds.maxWidth || perToken <= 0 || perToken > count {
            return "\(perToken) experts per token out of \(count) experts: need 1 ≤ k ≤ experts ≤ \(ModelBounds.maxWidth)"
        }
        for (name, value) in [("shared expert width", sharedHiddenSize), ("dense block width", denseHiddenSize)] {
            if let value, let problem = ModelBounds.check(name, value, 1...ModelBounds.maxWidth) { return problem }
        }
        if let dense = leadingDenseLayers, !(0...layers).contains(dense) {
            return "\(dense) leading dense blocks out of \(layers) blocks"
        }
        if case let .groupedSigmoid(groups, kept, _) = router {
            guard (1...count).contains(groups), count % groups == 0, count / groups >= 2 else {
                return "\(count) experts do not split into \(groups) expert groups of at least 2"
            }
            guard (1...groups).contains(kept), perToken <= kept * (count / groups) else {
                return "\(kept) kept expert groups of \(groups) cannot hold \(perToken) experts per token"
            }
        }
        return nil
    }

    /// Whether block `layer` runs the mixture rather than a dense MLP.
    public func isMixture(layer: Int) -> Bool { layer >= (leadingDenseLayers ?? 0) }
}

/// The scoring and selection rule of a mixture's router.
public enum ExpertRouter: Codable, Equatable, Sendable {
    /// LLaDA-MoE: softmax over all experts, the k largest with their probabilities as weights.
    case softmax
    /// LLaDA2 (DeepSeek-V3's rule): sigmoid scores; a per-expert bias steers selection only;
    /// `groups` equal groups scored by the sum of their two best biased scores, the best
    /// `groupsKept` kept, the k best experts among them; weights are the unbiased scores of the
    /// chosen, normalised to sum 1 (k > 1), times `scale`.
    case groupedSigmoid(groups: Int, groupsKept: Int, scale: Float)
}
