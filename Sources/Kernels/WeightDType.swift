/// Storage formats the matmul reads in place: plain 32- and 16-bit floats, llama.cpp's
/// block-quantised Q8_0 and Q4_0 (32 values per block sharing one f16 scale), and its k-quants
/// Q4_K, Q5_K and Q6_K (superblocks of 256 values with 6- or 8-bit sub-block scales).
public enum WeightDType: String, Sendable, CaseIterable {
    case f32, bf16, f16, q8_0, q4_0, q4_k, q5_k, q6_k

    /// Values stored together: 1 for the float types, a block of 32 or a superblock of 256 for the
    /// quantised ones.
    public var blockLength: Int {
        switch self {
        case .f32, .bf16, .f16: 1
        case .q8_0, .q4_0: QuantizedBlock.length
        case .q4_k, .q5_k, .q6_k: KQuantBlock.length
        }
    }

    /// Bytes of one block (of one value for the float types).
    public var blockBytes: Int {
        switch self {
        case .f32: 4
        case .bf16, .f16: 2
        case .q8_0: QuantizedBlock.q8_0Bytes
        case .q4_0: QuantizedBlock.q4_0Bytes
        case .q4_k: KQuantBlock.q4_KBytes
        case .q5_k: KQuantBlock.q5_KBytes
        case .q6_k: KQuantBlock.q6_KBytes
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
