import Models

/// Fast-dLLM's approximate caches (DECODING.md): the first step of every block runs the whole
/// canvas and keeps each layer's keys and values; the block's later steps run only part of it.
public enum CacheMode: String, CaseIterable, Codable, Sendable {
    /// Every step runs the whole canvas (LLaDA's reference semantics).
    case exact
    /// Later steps run the block and everything after it against the cached prefix.
    case prefix
    /// Later steps run only the block against the cached prefix and suffix.
    case dual

    /// The canvas rows a cached step recomputes: from the block start to the end of the canvas
    /// (prefix) or the block alone (dual). Canvas indices.
    func window(block: Range<Int>, canvas: Canvas) -> Range<Int> {
        let start = canvas.canvasIndex(block.lowerBound)
        switch self {
        case .exact: return 0..<canvas.tokens.count
        case .prefix: return start..<canvas.tokens.count
        case .dual: return start..<canvas.canvasIndex(block.upperBound)
        }
    }
}

/// The cache a session keeps between steps, and the canvas it was filled from.
final class StepCache: @unchecked Sendable {
    // @unchecked: the K/V buffers are only touched on the forward queue, one step at a time.
    let model: CachingDenoisingModel
    let kv: KVCache
    /// The canvas of the last fill; a step reuses the cache while its block started from it.
    var filledFrom: [Int]?

    init(model: CachingDenoisingModel, rows: Int) {
        self.model = model
        kv = model.makeCache(rows: rows)
    }
}

/// What one cached step does: fill the cache from the block's starting canvas when it does not
/// hold it yet, then run the window.
struct CachedForward: @unchecked Sendable {
    let cache: StepCache
    /// The canvas at the block start, when the cache must be filled from it first.
    let fill: [Int]?
    let window: Range<Int>
    /// The block's first step: one forward of the whole canvas, which fills the cache.
    let runsWholeCanvas: Bool
    /// Statistics of the masks outside the window, carried from the previous step (they were
    /// last computed by the block's first, whole-canvas forward).
    let carried: StepRecord?
}
