/// Keys (before RoPE) and values of every canvas row in every layer, kept from an earlier forward
/// for Fast-dLLM's prefix and dual caches (DECODING.md): a windowed forward recomputes only its
/// own rows and attends to these for the others. One cache belongs to one canvas length.
public final class KVCache: @unchecked Sendable {
    // @unchecked: like the model, used by one forward at a time.
    public let rows: Int
    let width: Int
    let keys: [UnsafeMutablePointer<Float>]
    let values: [UnsafeMutablePointer<Float>]
    /// The keys of all rows with RoPE applied, rebuilt per layer by a windowed forward.
    let rotatedKeys: UnsafeMutablePointer<Float>

    public init(rows: Int, config: TransformerConfig) {
        precondition(rows > 0, "a cache needs at least one row")
        let width = config.nKVHeads * config.headDim
        self.rows = rows
        self.width = width
        keys = (0..<config.nLayers).map { _ in .allocate(capacity: rows * width) }
        values = (0..<config.nLayers).map { _ in .allocate(capacity: rows * width) }
        rotatedKeys = .allocate(capacity: rows * width)
    }

    deinit {
        for buffer in keys + values + [rotatedKeys] { buffer.deallocate() }
    }

    /// Stores rows [first, first + count) of one layer's fresh keys and values.
    func store(layer: Int, keys fresh: UnsafePointer<Float>, values freshValues: UnsafePointer<Float>,
               first: Int, count: Int) {
        (keys[layer] + first * width).update(from: fresh, count: count * width)
        (values[layer] + first * width).update(from: freshValues, count: count * width)
    }
}
