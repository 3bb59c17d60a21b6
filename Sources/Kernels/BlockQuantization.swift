/// Floats into llama.cpp's 32-value blocks, as ggml-quants.c's `quantize_row_q8_0_ref` and
/// `quantize_row_q4_0_ref` (and gguf-py's `gguf.quants`) write them, byte for byte: the scale from
/// the block's largest magnitude in fp32, stored as the nearest f16.
extension QuantizedBlock {
    /// Q8_0: d = max|x| / 127, codes round(x / d) (halves away from zero), 0 for an all-zero block.
    public static func quantizeQ8_0(_ values: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        precondition(count % length == 0)
        for block in 0..<(count / length) {
            let x = values + block * length, out = destination + block * q8_0Bytes
            var largest: Float = 0
            for i in 0..<length { largest = max(largest, abs(x[i])) }
            let d = largest / 127, inverse: Float = d == 0 ? 0 : 1 / d
            out.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
            for i in 0..<length {
                out.storeBytes(of: Int8((x[i] * inverse).rounded()), toByteOffset: 2 + i, as: Int8.self)
            }
        }
    }

    /// Q4_0: the value of largest magnitude m (the first of equals), d = m / −8, codes
    /// min(15, trunc(x / d + 8.5)); value i in the low nibble of byte i, value i + 16 in its high one.
    public static func quantizeQ4_0(_ values: UnsafePointer<Float>, count: Int, into destination: UnsafeMutableRawPointer) {
        precondition(count % length == 0)
        for block in 0..<(count / length) {
            let x = values + block * length, out = destination + block * q4_0Bytes
            var extreme: Float = 0
            for i in 0..<length where abs(x[i]) > abs(extreme) { extreme = x[i] }
            let d = extreme / -8, inverse: Float = d == 0 ? 0 : 1 / d
            out.storeBytes(of: Float16(d).bitPattern, as: UInt16.self)
            func code(_ value: Float) -> UInt8 { UInt8(min(15, max(0, (value * inverse + 8.5).rounded(.towardZero)))) }
            for i in 0..<(length / 2) {
                out.storeBytes(of: code(x[i]) | code(x[i + length / 2]) << 4, toByteOffset: 2 + i, as: UInt8.self)
            }
        }
    }
}
