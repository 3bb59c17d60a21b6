import Kernels

extension SplitMix64 {
    /// Uniform in [-scale, scale).
    mutating func floats(_ count: Int, scale: Float = 1) -> [Float] {
        (0..<count).map { _ in nextSignedUnitFloat() * scale }
    }
}

/// A weight matrix stored in `dtype`, owning its bytes, plus the exact fp32 values it holds.
/// Quantised blocks are encoded by `QuantizedTestBlocks` and decoded by its scalar reference.
final class StoredWeights {
    let matrix: WeightMatrix
    let values: [Float]
    private let storage: UnsafeMutableRawPointer

    init(_ source: [Float], rows: Int, columns: Int, dtype: WeightDType) {
        let byteCount = rows * dtype.byteCount(values: columns)
        storage = .allocate(byteCount: max(1, byteCount), alignment: 64)
        var exact = source
        switch dtype {
        case .f32:
            storage.copyMemory(from: source, byteCount: source.count * 4)
        case .bf16:
            let bits = storage.bindMemory(to: UInt16.self, capacity: source.count)
            for i in source.indices {
                bits[i] = bfloat16FromFloat(source[i])
                exact[i] = floatFromBFloat16(bits[i])
            }
        case .f16:
            let halves = storage.bindMemory(to: Float16.self, capacity: source.count)
            for i in source.indices {
                halves[i] = Float16(source[i])
                exact[i] = Float(halves[i])
            }
        case .q8_0, .q4_0:
            let bytes = QuantizedTestBlocks.encode(source, dtype)
            storage.copyMemory(from: bytes, byteCount: bytes.count)
            exact = QuantizedTestBlocks.decode(bytes, dtype)
        case .q4_k, .q5_k, .q6_k:
            preconditionFailure("k-quant test weights are random blocks (RandomWeights), not encoded values")
        }
        values = exact
        matrix = WeightMatrix(base: storage, rows: rows, columns: columns, dtype: dtype)
    }

    deinit { storage.deallocate() }
}
