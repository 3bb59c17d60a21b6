/// Conversions from the stored 16-bit and block-quantised formats to Float, eight lanes at a time
/// (vpmovzxwd + shift for bf16, vcvtph2ps for f16): a plain loop is left scalar when the count is
/// a short slice, which is how the matmul converts.

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
/// quantised types `source` is a block boundary and `count` whole blocks (32 or 256 values).
@inline(__always)
public func convertToFloat(_ source: UnsafeRawPointer, _ dtype: WeightDType, count: Int,
                           into destination: UnsafeMutablePointer<Float>) {
    switch dtype {
    case .f32:
        destination.update(from: source.assumingMemoryBound(to: Float.self), count: count)
    case .bf16:
        let out = UnsafeMutableRawPointer(destination)
        var i = 0
        while i &+ 8 <= count {
            // Lane by lane: the generic SIMD conversion initialiser can stay an out-of-line call.
            let b = source.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<UInt16>.self)
            let wide = SIMD8<UInt32>(UInt32(b[0]), UInt32(b[1]), UInt32(b[2]), UInt32(b[3]),
                                     UInt32(b[4]), UInt32(b[5]), UInt32(b[6]), UInt32(b[7]))
            let floats = unsafeBitCast(wide &<< 16, to: SIMD8<Float>.self)
            out.storeBytes(of: floats, toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        let bits = source.assumingMemoryBound(to: UInt16.self)
        for j in i..<count { destination[j] = Float(bitPattern: UInt32(bits[j]) &<< 16) }
    case .f16:
        let out = UnsafeMutableRawPointer(destination)
        var i = 0
        while i &+ 8 <= count {
            let halves = source.loadUnaligned(fromByteOffset: i &* 2, as: SIMD8<Float16>.self)
            out.storeBytes(of: SIMD8<Float>(halves), toByteOffset: i &* 4, as: SIMD8<Float>.self)
            i &+= 8
        }
        let halves = source.assumingMemoryBound(to: Float16.self)
        for j in i..<count { destination[j] = Float(halves[j]) }
    case .q8_0:
        QuantizedBlock.dequantizeQ8_0(source, count: count, into: destination)
    case .q4_0:
        QuantizedBlock.dequantizeQ4_0(source, count: count, into: destination)
    case .q4_k:
        KQuantBlock.dequantizeQ4_K(source, count: count, into: destination)
    case .q5_k:
        KQuantBlock.dequantizeQ5_K(source, count: count, into: destination)
    case .q6_k:
        KQuantBlock.dequantizeQ6_K(source, count: count, into: destination)
    }
}
