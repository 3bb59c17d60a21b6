/// Everything that decides a block-diffusion decode: each family's official loop as a rule, with
/// every setting of that loop (docs/block-diffusion.md, "Flags"). Every threshold here is strict,
/// `p > τ`, as in all three official loops (dscope's whole-canvas threshold rule is `p ≥ τ`).
public struct BlockDecodeSettings: Equatable, Sendable {
    /// Positions per block; the mask's and the cache's block too.
    public var blockLength: Int
    /// SDAR and LLaDA2 `gen_length`; Fast-dLLM v2 `max_new_tokens` (it runs that / B blocks).
    public var generationLength: Int
    public var rule: BlockDecodeRule

    public init(blockLength: Int, generationLength: Int, rule: BlockDecodeRule) {
        self.blockLength = blockLength
        self.generationLength = generationLength
        self.rule = rule
    }

    /// Generated positions of the canvas the loop decodes, after a prompt of `promptLength`: whole
    /// blocks from canvas index 0 (SDAR, LLaDA2, whose padding past the generation is decoded
    /// too); for Fast-dLLM v2, whose canvas grows a block and an AR token at a time, the most it
    /// can reach (a decode that stops early leaves the rest masked).
    public func generatedPositions(promptLength P: Int) -> Int {
        let B = blockLength
        guard case .fastDLLMv2 = rule else { return (P + generationLength + B - 1) / B * B - P }
        var length = P > B && P % B == 0 ? P + 1 : P
        for _ in 0..<(generationLength / B) { length = (length / B + 1) * B + 1 }
        return length - P
    }

    /// The family's rule in a few words, e.g. "sdar low_confidence_dynamic τ>0.85 block 4 · 4 steps"
    /// (analyze's group label; the scope's status bar).
    public var label: String {
        switch rule {
        case let .sdar(rule):
            let threshold = rule.strategy == .lowConfidenceDynamic ? " τ>\(rule.threshold)"
                : rule.strategy == .entropyBounded ? " γ<\(rule.entropyBound)" : ""
            return "sdar \(rule.strategy.rawValue)\(threshold) block \(blockLength) · \(rule.stepsPerBlock) steps"
        case let .fastDLLMv2(rule):
            return "fast-dllm-v2 τ>\(rule.threshold) block \(blockLength) · sub-block \(rule.subBlockLength)"
        case let .llada2(rule):
            let edits = rule.edits ? " edit>\(rule.editThreshold ?? 0)" : " no edit"
            return "llada2 τ>\(rule.threshold)\(edits) block \(blockLength) · \(rule.steps) steps"
        }
    }

    public func validate() throws {
        guard (1...DecodeLimits.maxGenerationLength).contains(generationLength) else {
            throw DecodeSettingsError.generationLength(generationLength)
        }
        guard (1...DecodeLimits.maxGenerationLength).contains(blockLength) else {
            throw BlockDecodeError.setting("block length \(blockLength) must be in 1…\(DecodeLimits.maxGenerationLength)")
        }
        switch rule {
        case let .sdar(rule):
            guard (1...blockLength).contains(rule.stepsPerBlock) else {
                throw BlockDecodeError.setting("denoising steps per block \(rule.stepsPerBlock) must be in 1…\(blockLength) (the block length)")
            }
            guard rule.threshold.isFinite, rule.entropyBound.isFinite, rule.entropyBound > 0 else {
                throw BlockDecodeError.setting("the confidence threshold and the entropy bound must be finite, the bound > 0")
            }
        case let .fastDLLMv2(rule):
            guard rule.subBlockLength >= 1, blockLength % rule.subBlockLength == 0 else {
                throw BlockDecodeError.setting("sub-block length \(rule.subBlockLength) must divide the block length \(blockLength)")
            }
            guard rule.threshold.isFinite else { throw BlockDecodeError.setting("threshold \(rule.threshold) must be finite") }
            guard generationLength >= blockLength else {
                throw BlockDecodeError.setting("max new tokens \(generationLength) must be at least one block (\(blockLength)); Fast-dLLM v2 runs max_new_tokens / block blocks")
            }
        case let .llada2(rule):
            guard rule.steps >= 1, rule.minimalTopK >= 1, rule.postSteps >= 0 else {
                throw BlockDecodeError.setting("steps \(rule.steps) and minimal top-k \(rule.minimalTopK) must be ≥ 1, post steps \(rule.postSteps) ≥ 0")
            }
            guard rule.threshold.isFinite, rule.editThreshold?.isFinite ?? true else {
                throw BlockDecodeError.setting("thresholds must be finite")
            }
        }
    }
}

/// Each family's decode rule.
public enum BlockDecodeRule: Equatable, Sendable {
    case sdar(SDARDecodeRule)
    case fastDLLMv2(FastDLLMv2DecodeRule)
    case llada2(LLaDA2DecodeRule)
}

/// JetAstra/SDAR generate.py's `remasking_strategy`.
public enum SDARStrategy: String, CaseIterable, Sendable {
    /// The n most confident masks (n from the schedule).
    case lowConfidenceStatic = "low_confidence_static"
    /// Every mask with p > threshold if at least n of them, else the n most confident.
    case lowConfidenceDynamic = "low_confidence_dynamic"
    /// The n positions from the first mask on.
    case sequential
    /// Masks by ascending entropy, the longest prefix with cumulative entropy < the bound, at least one.
    case entropyBounded = "entropy_bounded"
}

/// SDAR/TraDo (generate.py; temperature 0 as its evaluation path takes it).
public struct SDARDecodeRule: Equatable, Sendable {
    public var strategy: SDARStrategy
    /// `denoising_steps`: the block length spread over this many steps is the schedule.
    public var stepsPerBlock: Int
    /// `confidence_threshold` (low_confidence_dynamic).
    public var threshold: Double
    /// `eb_threshold` (entropy_bounded).
    public var entropyBound: Double
    /// `stopping_criteria_idx`: after a block, stop when any occurs in the generated part.
    public var stopIds: [Int]

    public init(strategy: SDARStrategy = .lowConfidenceDynamic, stepsPerBlock: Int = 4, threshold: Double = 0.85,
                entropyBound: Double = 0.35, stopIds: [Int] = []) {
        self.strategy = strategy
        self.stepsPerBlock = stepsPerBlock
        self.threshold = threshold
        self.entropyBound = entropyBound
        self.stopIds = stopIds
    }
}

/// Fast-dLLM v2's `generate`.
public struct FastDLLMv2DecodeRule: Equatable, Sendable {
    /// `small_block_size`: masks are filled one sub-block at a time.
    public var subBlockLength: Int
    /// Masks of the sub-block with p > threshold, and always the most confident one.
    public var threshold: Double
    /// `stop_token`.
    public var stopToken: Int

    public init(subBlockLength: Int = 8, threshold: Double = 1, stopToken: Int) {
        self.subBlockLength = subBlockLength
        self.threshold = threshold
        self.stopToken = stopToken
    }
}

/// diffusers' LLaDA2Pipeline with its BlockRefinementScheduler.
public struct LLaDA2DecodeRule: Equatable, Sendable {
    /// `num_inference_steps` per block (capped at gen_length / minimal_topk).
    public var steps: Int
    /// Masks with p > threshold if at least the schedule's count, else the top count.
    public var threshold: Double
    /// LLaDA2.1's `editing_threshold`: a generated token is replaced by the argmax when that
    /// differs and p > it; nil (or ≤ 0) turns editing off (LLaDA2.0).
    public var editThreshold: Double?
    /// `max_post_steps`: steps after the block's masks are gone, while they still edit.
    public var postSteps: Int
    public var minimalTopK: Int
    public var eosId: Int?
    /// `eos_early_stop`.
    public var earlyStop: Bool

    public init(steps: Int = 32, threshold: Double = 0.7, editThreshold: Double? = 0.5, postSteps: Int = 16,
                minimalTopK: Int = 1, eosId: Int?, earlyStop: Bool = true) {
        self.steps = steps
        self.threshold = threshold
        self.editThreshold = editThreshold
        self.postSteps = postSteps
        self.minimalTopK = minimalTopK
        self.eosId = eosId
        self.earlyStop = earlyStop
    }

    public var edits: Bool { (editThreshold ?? 0) > 0 }
}

public enum BlockDecodeError: Error, CustomStringConvertible, Equatable {
    case setting(String)
    case notABlockModel(String)
    case masksLeft(block: Int, steps: Int)

    public var description: String {
        switch self {
        case let .setting(problem): problem
        case let .notABlockModel(name):
            "\(name) is not a block-diffusion model (its config has no block length); the block rules are for SDAR, Fast-dLLM v2 and LLaDA2"
        case let .masksLeft(block, steps):
            "block \(block) still has masks after \(steps) denoising steps (SDAR's generate.py would fail too); give more steps per block or the static strategy"
        }
    }
}
