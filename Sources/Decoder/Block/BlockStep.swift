/// One forward of a block-diffusion decode, in the order the official loop runs them
/// (tools/block_trace.py writes the same record).
public struct BlockStep: Equatable, Sendable {
    public enum Kind: String, Sendable {
        /// The prompt's whole blocks, stored.
        case prefill
        /// The current block against the cache, not stored; masks may be committed.
        case denoise
        /// LLaDA2: a step after the block's masks are gone, which may only edit.
        case post
        /// A finished block forwarded once more to keep its keys and values.
        case store
    }

    /// A mask that became `token`.
    public struct Commit: Equatable, Sendable {
        public var position: Int
        public var token: Int
        /// The probability the loop compared against its thresholds.
        public var probability: Float
    }

    /// A committed token replaced by another (LLaDA2.1's editing).
    public struct Edit: Equatable, Sendable {
        public var position: Int
        public var old: Int
        public var new: Int
        public var probability: Float
    }

    public var kind: Kind
    /// Block index on the canvas (position / block length).
    public var block: Int
    /// The loop's own step counter inside the block.
    public var step: Int
    /// The positions the model computed (RoPE positions; the rest came from the cache).
    public var forward: Range<Int>
    /// Canvas positions, prompt included.
    public var commits: [Commit] = []
    public var edits: [Edit] = []
    /// Fast-dLLM v2's autoregressive token after a stored block.
    public var appended: Commit?
    /// Statistics of the logits rows this forward computed for masked positions (the AR
    /// token's row under its position), by canvas position: the heatmap's and inspector's view
    /// of the block. The decisions above come from the loop's own softmax, not from these.
    public var rows: [Int: RowStatistics] = [:]
}

/// What a block decode returns: the ids as the official loop returns them, and its steps.
public struct BlockDecodeResult: Equatable, Sendable {
    /// SDAR: the whole canvas (prompt included, undecoded blocks still mask ids); Fast-dLLM v2:
    /// prompt + generated, cut after the stop token or ending with the AR token; LLaDA2: the
    /// generated part only.
    public var ids: [Int]
    public var steps: [BlockStep]
    /// The canvas as it ended, prompt included (for text and the scope).
    public var canvas: [Int]
    public var promptLength: Int

    public var forwards: Int { steps.count }
}
