/// The exact KV cache of a block-diffusion model: every layer's keys (RoPE applied at their
/// absolute positions) and values of the committed positions 0..<length. A block forward writes
/// its own rows after `length` and attends to them together with the committed ones; only
/// `store` moves `length` on. Cutting back to a block boundary leaves the rows before it as they
/// were, so stepping back across a block restores the cache exactly.
public final class BlockKVCache: @unchecked Sendable {
    // @unchecked: like the model, used by one forward at a time.
    public let capacity: Int
    public let blockLength: Int
    /// Committed positions, keys and values kept.
    public private(set) var length = 0
    /// Positions from here on are never attended to as keys, though they are still computed as
    /// queries: LLaDA2's pipeline pads the canvas to whole blocks and masks the padding's keys.
    public var keyLimit: Int?
    let width: Int
    let keys: [UnsafeMutablePointer<Float>]
    let values: [UnsafeMutablePointer<Float>]

    /// `layers` × `capacity` rows of `width` floats; a model without tensors (a scripted one)
    /// passes no layers and only keeps the length.
    public init(capacity: Int, blockLength: Int, layers: Int = 0, width: Int = 0) {
        precondition(capacity >= 0 && blockLength > 0)
        self.capacity = capacity
        self.blockLength = blockLength
        self.width = width
        keys = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
        values = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
    }

    deinit {
        for buffer in keys + values { buffer.deallocate() }
    }

    /// Whole blocks committed.
    public var blocks: Int { length / blockLength }

    /// Refuses a forward of `count` positions from `start` that does not extend the committed ones.
    public func checkForward(start: Int, count: Int) throws {
        guard start == length else { throw BlockCacheError.notAtCacheEnd(start: start, cacheLength: length) }
        guard start + count <= capacity else { throw BlockCacheError.overCapacity(end: start + count, capacity: capacity) }
    }

    /// Marks positions up to `end` committed (after a forward wrote their rows).
    public func commit(upTo end: Int) throws {
        try checkForward(start: length, count: end - length)
        length = end
    }

    /// Forgets the positions from `newLength` on; `newLength` must be a block boundary.
    public func truncate(to newLength: Int) throws {
        guard newLength >= 0, newLength <= length, newLength % blockLength == 0 else {
            throw BlockCacheError.notABlockBoundary(length: newLength, blockLength: blockLength, cacheLength: length)
        }
        length = newLength
    }

    /// Writes rows [first, first + count) of one layer's keys (rotated) and values.
    func write(layer: Int, keys fresh: UnsafePointer<Float>, values freshValues: UnsafePointer<Float>,
               first: Int, count: Int) {
        (keys[layer] + first * width).update(from: fresh, count: count * width)
        (values[layer] + first * width).update(from: freshValues, count: count * width)
    }
}
