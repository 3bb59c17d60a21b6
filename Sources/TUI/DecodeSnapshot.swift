/// Everything the views show of one decode at one moment. The decoder adapter fills it; views
/// never see decoder types, so every view renders from plain values in tests.
public struct DecodeSnapshot: Equatable, Sendable {
    /// The user-visible prompt (no chat-template specials).
    public var prompt: String
    /// The generated part of the canvas, one entry per position.
    public var positions: [PositionState]
    /// Steps taken so far; 0 before the first commit.
    public var step: Int
    /// Steps the schedule plans in all, when known (fixed-k rules know it; threshold rules do not).
    public var plannedSteps: Int?
    /// One trace per step taken, oldest first: the waterfall's rows.
    public var history: [StepTrace]
    /// Top of the heat scale: entropies at or above it get the hottest colour.
    public var entropyScaleNats: Double
    /// Which scale `entropyScaleNats` is, for the legend.
    public var entropyScale: EntropyScale = .fixed
    /// The position the inspector shows, when it is open.
    public var inspection: PositionInspection?
    public var status: StatusInfo
    /// A block-diffusion decode's blocks; nil on the whole canvas.
    public var blocks: BlockStructure?

    public init(prompt: String, positions: [PositionState], step: Int, plannedSteps: Int? = nil,
                history: [StepTrace] = [], entropyScaleNats: Double, status: StatusInfo) {
        self.prompt = prompt
        self.positions = positions
        self.step = step
        self.plannedSteps = plannedSteps
        self.history = history
        self.entropyScaleNats = entropyScaleNats
        self.status = status
    }

    public var masksLeft: Int {
        positions.reduce(0) { count, position in
            if case .masked = position { return count + 1 }
            return count
        }
    }

    public var decodedTokens: [DecodedToken] {
        positions.compactMap { position in
            if case .decoded(let token) = position { return token }
            return nil
        }
    }

    /// The decoded text as shown, end-of-text tokens left out.
    public var shownText: String {
        decodedTokens.filter { !$0.isEOS }.map { token in
            if case .text(let text) = token.text { return text }
            return ""
        }.joined()
    }

    /// Mean entropy of every commit so far, in nats; nil before the first.
    public var meanCommitEntropyNats: Double? {
        let decoded = decodedTokens
        guard !decoded.isEmpty else { return nil }
        return decoded.reduce(0) { $0 + $1.entropyNats } / Double(decoded.count)
    }

    /// The fraction of the heat scale `entropyNats` reaches (0…1).
    public func heatFraction(_ entropyNats: Double) -> Double {
        guard entropyScaleNats > 0, entropyNats.isFinite else { return 1 }
        return min(1, max(0, entropyNats / entropyScaleNats))
    }
}

/// One generated position: still masked, or decoded.
public enum PositionState: Equatable, Sendable {
    /// `entropyNats` is from the latest forward pass (nil before the first); `guess` is that
    /// pass's most likely token, shown dimmed when the user asks for guesses.
    case masked(entropyNats: Double?, guess: TokenText?)
    case decoded(DecodedToken)
}

/// A committed token with the statistics of the forward pass that committed it.
public struct DecodedToken: Equatable, Sendable {
    public var text: TokenText
    /// 1-based step of the commit.
    public var step: Int
    public var entropyNats: Double
    /// Probability of the committed token, 0…1.
    public var confidence: Double
    public var isEOS: Bool
    /// Steps that replaced the committed token (edits), oldest first; `text` is the latest token.
    public var editSteps: [Int] = []

    public init(text: TokenText, step: Int, entropyNats: Double, confidence: Double, isEOS: Bool = false) {
        self.text = text
        self.step = step
        self.entropyNats = entropyNats
        self.confidence = confidence
        self.isEOS = isEOS
    }
}

/// Where a block-diffusion decode stands: blocks of `blockLength` canvas positions from canvas
/// index 0, so the prompt's last partial block holds the first generated positions.
public struct BlockStructure: Equatable, Sendable {
    public var blockLength: Int
    /// Canvas index of generated position 0.
    public var promptLength: Int
    /// The block the next forward works on; nil once the decode is over.
    public var currentBlock: Int?
    /// The last block a forward worked on (a decode that stopped early never reaches the rest).
    public var lastBlock: Int?
    /// Whole blocks (and positions) whose keys and values the exact cache holds.
    public var cachedBlocks: Int
    public var cachedPositions: Int

    public init(blockLength: Int, promptLength: Int, currentBlock: Int?, lastBlock: Int?, cachedBlocks: Int,
                cachedPositions: Int) {
        self.blockLength = blockLength
        self.promptLength = promptLength
        self.currentBlock = currentBlock
        self.lastBlock = lastBlock
        self.cachedBlocks = cachedBlocks
        self.cachedPositions = cachedPositions
    }

    /// The canvas block of generated position `position`.
    public func block(of position: Int) -> Int { (promptLength + position) / blockLength }

    /// Whether `position` starts a block.
    public func startsBlock(_ position: Int) -> Bool { (promptLength + position) % blockLength == 0 }

    /// A block no forward has reached: after the current one, or once the decode is over, after
    /// the last one it worked on.
    public func isUnreached(_ position: Int) -> Bool {
        (currentBlock ?? lastBlock).map { block(of: position) > $0 } ?? false
    }
}

/// What one step saw and did: the heat of every position masked at its forward pass, and the
/// positions it committed.
public struct StepTrace: Equatable, Sendable {
    /// 1-based step index.
    public var step: Int
    /// Per generated position: its entropy at this step's forward pass if it was masked then
    /// (committed positions included), nil if it was decoded earlier.
    public var maskedEntropyNats: [Double?]
    public var committed: Set<Int>
    /// Positions whose token the step replaced (re-commits).
    public var edited: Set<Int> = []

    public init(step: Int, maskedEntropyNats: [Double?], committed: Set<Int>, edited: Set<Int> = []) {
        self.step = step
        self.maskedEntropyNats = maskedEntropyNats
        self.committed = committed
        self.edited = edited
    }
}
