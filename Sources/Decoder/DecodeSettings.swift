/// Everything that decides how a canvas is decoded; with the prompt, the generation length and
/// the model, it determines a run exactly (the transcript header stores it).
public struct DecodeSettings: Equatable, Sendable {
    public var order: DecodeOrder
    /// Semi-autoregressive block length; nil = the whole generation is one block.
    public var blockLength: Int?
    public var parallelism: ParallelismRule
    /// 0 = argmax; > 0 = Gumbel-max sampling of softmax(logits / T).
    public var temperature: Double
    /// Seeds every random draw (see NoiseStreams).
    public var seed: UInt64
    /// Classifier-free guidance scale s (LLaDA): logits = u + (s + 1)(c − u), u from the canvas
    /// with the prompt masked. 0 = off (one forward per step instead of two).
    public var cfgScale: Float
    /// LLaDA's `logits_eos_inf`: EOS can never be chosen.
    public var suppressEOS: Bool
    /// LLaDA's `confidence_eos_eot_inf`: EOS/EoT candidates commit only after all other
    /// candidates of the block, which keeps the answer from ending early.
    public var deferEndOfText: Bool
    /// Fast-dLLM's prefix or dual cache (approximate), or none.
    public var cache: CacheMode
    /// A block-diffusion model's official loop on its exact block cache: it alone decides the
    /// decode, and the whole-canvas settings above keep their defaults.
    public var block: BlockDecodeSettings?

    public init(order: DecodeOrder = .confidence, blockLength: Int? = nil,
                parallelism: ParallelismRule = .perStep(k: 1), temperature: Double = 0,
                seed: UInt64 = 0, cfgScale: Float = 0, suppressEOS: Bool = false,
                deferEndOfText: Bool = false, cache: CacheMode = .exact, block: BlockDecodeSettings? = nil) {
        self.order = order
        self.blockLength = blockLength
        self.parallelism = parallelism
        self.temperature = temperature
        self.seed = seed
        self.cfgScale = cfgScale
        self.suppressEOS = suppressEOS
        self.deferEndOfText = deferEndOfText
        self.cache = cache
        self.block = block
    }

    public func blocks(generationLength: Int) -> BlockLayout {
        BlockLayout(generationLength: generationLength, blockLength: blockLength ?? generationLength)
    }

    /// Rejects settings that LLaDA's generate.py rejects or that have no meaning.
    public func validate(generationLength: Int) throws {
        if let block { return try block.validate() }
        guard (1...DecodeLimits.maxGenerationLength).contains(generationLength) else {
            throw DecodeSettingsError.generationLength(generationLength)
        }
        if let blockLength, blockLength < 1 || generationLength % blockLength != 0 {
            throw DecodeSettingsError.blockLength(blockLength, generationLength: generationLength)
        }
        let blockCount = blocks(generationLength: generationLength).blockCount
        switch parallelism {
        case let .schedule(steps), let .timesteps(steps):
            guard steps >= blockCount, steps <= DecodeLimits.maxSteps, steps % blockCount == 0 else {
                throw DecodeSettingsError.steps(steps, blockCount: blockCount)
            }
        case let .perStep(k):
            guard k >= 1 else { throw DecodeSettingsError.perStep(k) }
        case let .threshold(tau):
            guard tau > 0, tau <= 1 else { throw DecodeSettingsError.threshold(tau) }
        case let .factor(f):
            guard f > 0, f.isFinite else { throw DecodeSettingsError.factor(f) }
        case let .entropyBound(gamma):
            guard gamma >= 0, gamma.isFinite else { throw DecodeSettingsError.entropyBound(gamma) }
        }
        if order == .origin && !parallelism.isTimesteps { throw DecodeSettingsError.originWithoutTimesteps }
        guard temperature >= 0, temperature.isFinite else { throw DecodeSettingsError.temperature(temperature) }
        guard cfgScale >= 0, cfgScale.isFinite else { throw DecodeSettingsError.cfgScale(cfgScale) }
        if cfgScale > 0 && cache != .exact { throw DecodeSettingsError.cacheWithGuidance(cache) }
    }
}

public enum DecodeSettingsError: Error, CustomStringConvertible, Equatable {
    case generationLength(Int)
    case blockLength(Int, generationLength: Int)
    case steps(Int, blockCount: Int)
    case perStep(Int)
    case threshold(Double)
    case factor(Double)
    case entropyBound(Double)
    case temperature(Double)
    case cfgScale(Float)
    case cacheWithGuidance(CacheMode)
    case originWithoutTimesteps

    public var description: String {
        switch self {
        case let .generationLength(length):
            return "generation length \(length) must be in 1…\(DecodeLimits.maxGenerationLength)"
        case let .blockLength(block, length):
            return "block length \(block) must divide the generation length \(length) (LLaDA's rule); pick a divisor or leave the block out"
        case let .steps(steps, blocks):
            guard steps > 0 else { return "steps \(steps) must be at least 1 (one forward pass per step)" }
            return "steps \(steps) must be a multiple of the \(blocks) blocks (LLaDA splits steps evenly over blocks) and at most \(DecodeLimits.maxSteps), e.g. \(blocks * min(DecodeLimits.maxSteps / blocks, max(1, steps / blocks)))"
        case let .perStep(k):
            return "k \(k) must be at least 1 token per step"
        case let .threshold(tau):
            return "threshold \(tau) must lie in (0, 1]; Fast-dLLM uses 0.9"
        case let .factor(f):
            return "factor \(f) must be a finite positive number; Fast-dLLM uses 1"
        case let .entropyBound(gamma):
            return "entropy bound \(gamma) must be a finite number ≥ 0 (0 = one token per step)"
        case let .temperature(t):
            return "temperature \(t) must be a finite number ≥ 0 (0 = argmax)"
        case let .cfgScale(s):
            return "CFG scale \(s) must be a finite number ≥ 0 (0 = off)"
        case let .cacheWithGuidance(mode):
            return "the \(mode.rawValue) cache keeps one canvas's keys and values, and CFG runs two canvases; use one of them"
        case .originWithoutTimesteps:
            return "the origin order flips each mask with Dream's timestep probabilities; give it --timesteps N"
        }
    }
}
