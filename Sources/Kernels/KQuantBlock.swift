/// llama.cpp's k-quant superblocks (ggml-common.h, QK_K = 256), dequantised as ggml-quants.c's
/// `dequantize_row_q{4,5,6}_K` and gguf-py's `gguf.quants` do, operation for operation, so the
/// Floats agree bit for bit (products rounded separately: no fused multiply-add).
///
/// Q4_K: f16 d, f16 dmin, 12 bytes of 6-bit scales and mins for eight 32-value sub-blocks, then
/// 128 bytes of nibbles; value = d·sc·q − dmin·m. In each 32-byte run j the low nibbles are
/// sub-block 2j and the high nibbles sub-block 2j + 1.
/// Q5_K: Q4_K with 32 bytes qh between the scales and the nibbles; bit s of qh[l] is the fifth bit
/// of value l of sub-block s.
/// Q6_K: 128 bytes ql (low 4 bits), 64 bytes qh (high 2 bits), 16 signed 8-bit scales (one per 16
/// values), f16 d; value = d·sc·(q − 32). Each half of 128 values uses 64 bytes of ql (low
/// nibbles values 0–63, high nibbles 64–127) and 32 of qh (bits 2i, 2i + 1: values 32i + l).
public enum KQuantBlock {
    public static let length = 256
    public static let q4_KBytes = 2 + 2 + 12 + 128
    public static let q5_KBytes = 2 + 2 + 12 + 32 + 128
    public static let q6_KBytes = 128 + 64 + 16 + 2

    /// The 6-bit scale and min of sub-block `j` (0..<8) from the 12 packed bytes (`get_scale_min_k4`):
    /// bytes 0–3 hold scales 0–3 in their low six bits, bytes 4–7 mins 0–3; sub-blocks 4–7 take
    /// their low four bits from bytes 8–11 and their top two from the spare bits of bytes 0–7.
    @inline(__always)
    public static func scaleAndMin(_ scales: UnsafePointer<UInt8>, _ j: Int) -> (scale: UInt8, min: UInt8) {
        if j < 4 {
            return (scales[j] & 63, scales[j + 4] & 63)
        }
        return ((scales[j + 4] & 0x0F) | ((scales[j - 4] >> 6) << 4),
                (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4))
    }

    @inline(__always)
    static func half(_ source: UnsafeRawPointer, _ offset: Int) -> Float {
        Float(Float16(bitPattern: source.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// Dequantises `count / 256` consecutive Q4_K superblocks.
    @inline(never)
    static func dequantizeQ4_K(_ source: UnsafeRawPointer, count: Int,
                               into destination: UnsafeMutablePointer<Float>) {
        for block in 0..<(count / length) {
            let base = source + block * q4_KBytes, out = destination + block * length
            let d = half(base, 0), dmin = half(base, 2)
            let scales = (base + 4).assumingMemoryBound(to: UInt8.self)
            let qs = (base + 16).assumingMemoryBound(to: UInt8.self)
            for j in 0..<8 {
                let (sc, m) = scaleAndMin(scales, j)
                let d1 = d * Float(sc), m1 = dmin * Float(m)
                let bytes = qs + (j / 2) * 32, shift = UInt8(j % 2 * 4)
                for l in 0..<32 { out[j * 32 + l] = d1 * Float((bytes[l] >> shift) & 0x0F) - m1 }
            }
        }
    }

    /// Dequantises `count / 256` consecutive Q5_K superblocks.
    @inline(never)
    static func dequantizeQ5_K(_ source: UnsafeRawPointer, count: Int,
                               into destination: UnsafeMutablePointer<Float>) {
        for block in 0..<(count / length) {
            let base = source + block * q5_KBytes, out = destination + block * length
            let d = half(base, 0), dmin = half(base, 2)
            let scales = (base + 4).assumingMemoryBound(to: UInt8.self)
            let qh = (base + 16).assumingMemoryBound(to: UInt8.self)
            let qs = (base + 48).assumingMemoryBound(to: UInt8.self)
            for j in 0..<8 {
                let (sc, m) = scaleAndMin(scales, j)
                let d1 = d * Float(sc), m1 = dmin * Float(m)
                let bytes = qs + (j / 2) * 32, shift = UInt8(j % 2 * 4)
                for l in 0..<32 {
                    let q = ((bytes[l] >> shift) & 0x0F) | (((qh[l] >> UInt8(j)) & 1) << 4)
                    out[j * 32 + l] = d1 * Float(q) - m1
                }
            }
        }
    }

    /// Dequantises `count / 256` consecutive Q6_K superblocks.
    @inline(never)
    static func dequantizeQ6_K(_ source: UnsafeRawPointer, count: Int,
                               into destination: UnsafeMutablePointer<Float>) {
        for block in 0..<(count / length) {
            let base = source + block * q6_KBytes, out = destination + block * length
            let scales = (base + 192).assumingMemoryBound(to: Int8.self)
            let d = half(base, 208)
            for h in 0..<2 {
                let ql = (base + h * 64).assumingMemoryBound(to: UInt8.self)
                let qh = (base + 128 + h * 32).assumingMemoryBound(to: UInt8.self)
                for i in 0..<4 {
                    // Values 32i + l of this half: ql's low nibbles for i < 2, high ones after.
                    let low = ql + (i % 2) * 32, shift = UInt8(i / 2 * 4)
                    for l in 0..<32 {
                        let q = Int32(((low[l] >> shift) & 0x0F) | (((qh[l] >> UInt8(2 * i)) & 3) << 4)) - 32
                        let value = h * 128 + i * 32 + l
                        out[value] = d * Float(scales[value / 16]) * Float(q)
                    }
                }
            }
        }
    }
}

extension KQuantBlock {
    /// Overwrites the f16 superblock scales of a block of random bytes so that its values span
    /// about ±`scale` (random f16 bits could be NaN or huge; every other byte pattern is valid).
    static func setRandomScales(_ block: UnsafeMutablePointer<UInt8>, _ dtype: WeightDType, scale: Float) {
        func store(_ value: Float, at offset: Int) {
            let bits = Float16(value).bitPattern
            block[offset] = UInt8(truncatingIfNeeded: bits)
            block[offset + 1] = UInt8(truncatingIfNeeded: bits >> 8)
        }
        switch dtype {
        case .q4_k, .q5_k:
            // Sub-block scales and mins reach 63; codes 15 (31 for Q5_K).
            let largestCode: Float = dtype == .q4_k ? 15 : 31
            store(2 * scale / (63 * largestCode), at: 0)
            store(scale / 63, at: 2)
        case .q6_k:
            store(scale / (127 * 32), at: 208)
        default:
            preconditionFailure("\(dtype) is not a k-quant")
        }
    }
}
