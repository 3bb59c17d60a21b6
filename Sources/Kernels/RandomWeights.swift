/// An owned weight matrix of uniform random values in [-scale, scale), stored as `dtype`:
/// synthetic models of real shapes for benchmarks, without a download.
public final class RandomWeights: @unchecked Sendable {
    public let matrix: WeightMatrix
    private let storage: UnsafeMutableRawPointer

    public init(rows: Int, columns: Int, dtype: WeightDType, seed: UInt64, scale: Float = 0.02) {
        let count = rows * columns
        storage = .allocate(byteCount: max(1, count * dtype.byteSize), alignment: 64)
        var generator = SplitMix64(seed: seed)
        switch dtype {
        case .f32:
            let values = storage.bindMemory(to: Float.self, capacity: count)
            for i in 0..<count { values[i] = generator.nextSignedUnitFloat() * scale }
        case .bf16:
            let bits = storage.bindMemory(to: UInt16.self, capacity: count)
            for i in 0..<count { bits[i] = bfloat16FromFloat(generator.nextSignedUnitFloat() * scale) }
        case .f16:
            let halves = storage.bindMemory(to: Float16.self, capacity: count)
            for i in 0..<count { halves[i] = Float16(generator.nextSignedUnitFloat() * scale) }
        }
        matrix = WeightMatrix(base: storage, rows: rows, columns: columns, dtype: dtype)
    }

    deinit { storage.deallocate() }
}
