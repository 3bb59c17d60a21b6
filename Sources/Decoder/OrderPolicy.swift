/// Which masked positions of the current block go first.
public enum DecodeOrder: String, CaseIterable, Codable, Sendable {
    /// Highest softmax probability of the chosen token first (LLaDA 'low_confidence' remasking).
    case confidence
    /// Largest top-1 − top-2 probability first (Dream 'topk_margin').
    case margin
    /// Lowest entropy first (Dream 'entropy').
    case entropy
    /// A seeded uniform key per position and step (LLaDA 'random' remasking).
    case random
    /// Leftmost mask first (JustGRPO's autoregressive order).
    case ar
    /// Dream's 'origin': each mask flips on its own with the timestep schedule's probability
    /// 1 − s/t, drawn from the position's uniform (NoiseStreams, purpose `order`); ranked by that
    /// uniform, smallest first, so the flips that land are a prefix. Needs `--timesteps`.
    case origin
}

/// A masked position of the current block with its candidate token and the statistics of its row.
public struct Candidate: Equatable, Sendable {
    public var position: Int
    public var token: Int
    public var confidence: Float
    public var entropyNats: Float
    public var margin: Float
    /// Uniform in (0, 1); only the random and origin orders read it.
    public var randomKey: Double
    /// The candidate is EOS or EoT and the settings defer those to the end of the ranking.
    public var deferred: Bool
}

extension DecodeOrder {
    /// Candidates best first. Ties go to the leftmost position so that rankings are reproducible.
    /// Deferred candidates (EOS/EoT under `deferEndOfText`) rank after every other one: LLaDA's
    /// `confidence_eos_eot_inf` sets their confidence to −∞ for the same purpose.
    public func rank(_ candidates: [Candidate]) -> [Candidate] {
        candidates.sorted { a, b in
            if a.deferred != b.deferred { return !a.deferred }
            switch self {
            case .confidence where a.confidence != b.confidence: return a.confidence > b.confidence
            case .margin where a.margin != b.margin: return a.margin > b.margin
            case .entropy where a.entropyNats != b.entropyNats: return a.entropyNats < b.entropyNats
            case .random where a.randomKey != b.randomKey: return a.randomKey > b.randomKey
            case .origin where a.randomKey != b.randomKey: return a.randomKey < b.randomKey
            default: return a.position < b.position
            }
        }
    }
}

/// Semi-autoregressive blocks: only the first block that still has a mask may commit, while the
/// forward still sees the whole canvas (LLaDA generate.py, block_length).
public struct BlockLayout: Equatable, Sendable {
    public let generationLength: Int
    public let blockLength: Int

    public init(generationLength: Int, blockLength: Int) {
        self.generationLength = generationLength
        self.blockLength = blockLength
    }

    public var blockCount: Int { (generationLength + blockLength - 1) / blockLength }

    public func block(of position: Int) -> Int { position / blockLength }

    public func range(ofBlock block: Int) -> Range<Int> {
        (block * blockLength)..<min(generationLength, (block + 1) * blockLength)
    }

    /// The block to decode now: the first with a masked position; nil once the canvas is complete.
    public func currentBlock(of canvas: Canvas) -> Int? {
        canvas.states.firstIndex(of: .masked).map(block(of:))
    }
}

extension DecodeOrder {
    /// The orders that rank by a seeded uniform per position and step.
    var drawsRandomKey: Bool { self == .random || self == .origin }
}
