/// llama.cpp's block formats (ggml-common.h): each block of 32 values starts with an f16 scale d.
/// Q8_0: 32 signed bytes q, value = q·d. Q4_0: 16 bytes of nibbles, value = (nibble − 8)·d, where
/// the low nibbles of bytes 0..15 are values 0..15 and the high nibbles values 16..31.
public enum QuantizedBlock {
    public static let length = 32
    public static let q8_0Bytes = 2 + 32
    public static let q4_0Bytes = 2 + 16

    /// Dequantises `count / 32` consecutive Q8_0 blocks; `count` is a multiple of 32. Kept out of
    /// line so the float conversions inlined into the matmul stay as small as they were.
    @inline(never)
    static func dequantizeQ8_0(_ source: UnsafeRawPointer, count: Int,
                               into destination: UnsafeMutablePointer<Float>) {
        var block = source, out = destination
        for _ in 0..<(count / length) {
            let scale = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let quants = (block + 2).assumingMemoryBound(to: Int8.self)
            for i in 0..<length { out[i] = Float(quants[i]) * scale }
            block += q8_0Bytes
            out += length
        }
    }

    /// Dequantises `count / 32` consecutive Q4_0 blocks; `count` is a multiple of 32.
    @inline(never)
    static func dequantizeQ4_0(_ source: UnsafeRawPointer, count: Int,
                               into destination: UnsafeMutablePointer<Float>) {
        var block = source, out = destination
        for _ in 0..<(count / length) {
            let scale = Float(Float16(bitPattern: block.loadUnaligned(as: UInt16.self)))
            let nibbles = (block + 2).assumingMemoryBound(to: UInt8.self)
            for i in 0..<(length / 2) {
                out[i] = Float(Int32(nibbles[i] & 0x0F) - 8) * scale
                out[i + length / 2] = Float(Int32(nibbles[i] >> 4) - 8) * scale
            }
            block += q4_0Bytes
            out += length
        }
    }
}
