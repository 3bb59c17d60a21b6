/// An owned weight matrix of uniform random values in [-scale, scale), stored as `dtype`:
/// synthetic models of real shapes for benchmarks, without a download. Quantised blocks get a
/// scale that maps their largest code to about `scale` and uniformly random codes (k-quants: random
/// sub-block scales and mins too).
public final class RandomWeights: @unchecked Sendable {
    public let matrix: WeightMatrix
    private let storage: UnsafeMutableRawPointer

    public init(rows: Int, columns: Int, dtype: WeightDType, seed: UInt64, scale: Float = 0.02) {
        let count = rows * columns
        let byteCount = rows * dtype.byteCount(values: columns)
        storage = .allocate(byteCount: max(1, byteCount), alignment: HugePages.alignment(forBytes: byteCount))
        HugePages.advise(storage, bytes: byteCount)
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
        case .q8_0, .q4_0:
            let largestCode: Float = dtype == .q8_0 ? 127 : 8
            let bytes = storage.bindMemory(to: UInt8.self, capacity: byteCount)
            for block in stride(from: 0, to: byteCount, by: dtype.blockBytes) {
                let blockScale = Float16(scale / largestCode).bitPattern
                bytes[block] = UInt8(truncatingIfNeeded: blockScale)
                bytes[block + 1] = UInt8(truncatingIfNeeded: blockScale >> 8)
                for i in 2..<dtype.blockBytes { bytes[block + i] = UInt8(truncatingIfNeeded: generator.next()) }
            }
        case .q4_k, .q5_k, .q6_k:
            let bytes = storage.bindMemory(to: UInt8.self, capacity: byteCount)
            for i in 0..<byteCount { bytes[i] = UInt8(truncatingIfNeeded: generator.next()) }
            for block in stride(from: 0, to: byteCount, by: dtype.blockBytes) {
                KQuantBlock.setRandomScales(bytes + block, dtype, scale: scale)
            }
        }
        matrix = WeightMatrix(base: storage, rows: rows, columns: columns, dtype: dtype)
    }

    deinit { storage.deallocate() }
}
