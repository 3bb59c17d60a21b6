/// Storage formats the matmul reads in place: plain 32- and 16-bit floats, and llama.cpp's
/// block-quantised Q8_0 and Q4_0 (32 values per block sharing one f16 scale).
public enum WeightDType: String, Sendable, CaseIterable {
    case f32, bf16, f16, q8_0, q4_0

    /// Values stored together: 1 for the float types, a block of 32 for the quantised ones.
    public var blockLength: Int {
        switch self {
        case .f32, .bf16, .f16: 1
        case .q8_0, .q4_0: QuantizedBlock.length
        }
    }

    /// Bytes of one block (of one value for the float types).
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .bf16, .f16: 2
        case .q8_0: QuantizedBlock.q8_0Bytes
        case .q4_0: QuantizedBlock.q4_0Bytes
        }
    }

    public var isQuantized: Bool { blockLength > 1 }

    /// Bytes that `values` consecutive values of a row occupy; `values` must be a whole number of
    /// blocks.
    @inline(__always)
    public func byteCount(values: Int) -> Int {
        values / blockLength * blockBytes
    }
}
