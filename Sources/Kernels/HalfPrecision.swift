/// Conversions from the stored 16-bit and block-quantised formats to Float. Written as plain loops
/// over raw buffers so LLVM vectorises them (zero-extend + shift for bf16, vcvtph2ps for f16).

@inline(__always)
public func floatFromBFloat16(_ bits: UInt16) -> Float {
    Float(bitPattern: UInt32(bits) &<< 16)
}

/// bf16 keeps the top 16 bits of a Float; round to nearest even like PyTorch's `.to(bfloat16)`.
@inline(__always)
public func bfloat16FromFloat(_ value: Float) -> UInt16 {
    let bits = value.bitPattern
    if value.isNaN { return UInt16(truncatingIfNeeded: (bits >> 16) | 0x40) }
    let roundingBias: UInt32 = 0x7FFF + ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: (bits &+ roundingBias) >> 16)
}

/// Converts `count` values stored as `dtype` at `source` into Floats at `destination`; for the
/// quantised types `source` is a block boundary and `count` a multiple of 32.
@inline(__always)
public func convertToFloat(_ source: UnsafeRawPointer, _ dtype: WeightDType, count: Int,
                           into destination: UnsafeMutablePointer<Float>) {
    switch dtype {
    case .f32:
        destination.update(from: source.assumingMemoryBound(to: Float.self), count: count)
    case .bf16:
        let bits = source.assumingMemoryBound(to: UInt16.self)
        for i in 0..<count { destination[i] = Float(bitPattern: UInt32(bits[i]) &<< 16) }
    case .f16:
        let halves = source.assumingMemoryBound(to: Float16.self)
        for i in 0..<count { destination[i] = Float(halves[i]) }
    case .q8_0:
        QuantizedBlock.dequantizeQ8_0(source, count: count, into: destination)
    case .q4_0:
        QuantizedBlock.dequantizeQ4_0(source, count: count, into: destination)
    }
}
