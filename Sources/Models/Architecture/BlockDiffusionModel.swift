/// A block-diffusion model (SDAR/TraDo, Fast-dLLM v2, LLaDA2): attention is causal across blocks
/// of `blockLength` positions and bidirectional inside one, so the keys and values of committed
/// blocks never change and sit in an exact cache; each step forwards only the current block.
public protocol BlockDiffusionModel: DenoisingModel {
    /// The block length the model was trained with (config.json), the decoders' default.
    var blockLength: Int { get }
    /// False for a model on the shared stack whose config has no block length (LLaDA, Dream):
    /// it conforms with every architecture there but decodes on the whole canvas.
    var isBlockDiffusion: Bool { get }
    /// An empty cache for up to `capacity` positions whose mask uses blocks of `blockLength`
    /// (a decode may choose another length than the model's own, as the official loops allow).
    func makeBlockCache(capacity: Int, blockLength: Int) -> BlockKVCache
    /// Forwards `tokens` at positions `start...` (start = the cache's length) against the cache
    /// and keeps their keys and values: the prompt's whole blocks, or a finished block. Returns
    /// the logits of `rows` (indexes into `tokens`).
    @discardableResult
    func store(tokens: [Int], at start: Int, in cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix
    /// The current block (or any tokens) at positions `start...` against the cache, not kept.
    func blockLogits(tokens: [Int], at start: Int, cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix
}

extension BlockDiffusionModel {
    public var isBlockDiffusion: Bool { true }

    public func makeBlockCache(capacity: Int) -> BlockKVCache {
        makeBlockCache(capacity: capacity, blockLength: blockLength)
    }

    public func store(tokens: [Int], at start: Int, in cache: BlockKVCache) throws {
        try store(tokens: tokens, at: start, in: cache, rows: [])
    }
}

/// Why a block-cache call was refused.
public enum BlockCacheError: Error, CustomStringConvertible, Equatable {
    case notAtCacheEnd(start: Int, cacheLength: Int)
    case overCapacity(end: Int, capacity: Int)
    case notABlockBoundary(length: Int, blockLength: Int, cacheLength: Int)
    case rowOutsideTokens(Int, tokens: Int)

    public var description: String {
        switch self {
        case let .notAtCacheEnd(start, length):
            "a block forward starts at position \(start) but the cache holds \(length) positions; it must start where the cache ends"
        case let .overCapacity(end, capacity):
            "positions up to \(end) do not fit the block cache's \(capacity) positions"
        case let .notABlockBoundary(length, block, cacheLength):
            "cannot cut the block cache to \(length) positions: allowed are multiples of the block length \(block) up to \(cacheLength)"
        case let .rowOutsideTokens(row, tokens):
            "logits row \(row) is outside the \(tokens) tokens forwarded"
        }
    }
}
