import Kernels

/// A scalar, byte-by-byte model of llama.cpp's Q8_0 and Q4_0 blocks (ggml-quants.c reference
/// quantisers), independent of the kernels it checks.
enum QuantizedTestBlocks {
    static func encode(_ values: [Float], _ dtype: WeightDType) -> [UInt8] {
        precondition(values.count % 32 == 0)
        var bytes: [UInt8] = []
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = Array(values[start..<start + 32])
            switch dtype {
            case .q8_0:
                let scale = block.map(abs).max()! / 127
                append(scale, to: &bytes)
                for value in block {
                    let code = scale == 0 ? 0 : (value / scale).rounded()
                    bytes.append(UInt8(bitPattern: Int8(code)))
                }
            case .q4_0:
                // The value of largest magnitude maps to code −8, keeping its sign.
                let extreme = block.max { abs($0) < abs($1) }!
                let scale = extreme / -8
                append(scale, to: &bytes)
                let codes = block.map { value -> UInt8 in
                    let code = scale == 0 ? 8 : Int((value / scale + 8.5).rounded(.towardZero))
                    return UInt8(min(15, max(0, code)))
                }
                for i in 0..<16 { bytes.append(codes[i] | codes[i + 16] << 4) }
            default:
                preconditionFailure("not a quantised type")
            }
        }
        return bytes
    }

    static func decode(_ bytes: [UInt8], _ dtype: WeightDType) -> [Float] {
        var values: [Float] = []
        for start in stride(from: 0, to: bytes.count, by: dtype.blockBytes) {
            let scale = Float(Float16(bitPattern: UInt16(bytes[start]) | UInt16(bytes[start + 1]) << 8))
            let body = bytes[(start + 2)..<(start + dtype.blockBytes)].map { Int($0) }
            switch dtype {
            case .q8_0:
                values += body.map { Float(Int8(truncatingIfNeeded: $0)) * scale }
            case .q4_0:
                values += body.map { Float(($0 & 0x0F) - 8) * scale }
                values += body.map { Float(($0 >> 4) - 8) * scale }
            default:
                preconditionFailure("not a quantised type")
            }
        }
        return values
    }

    /// f16 little-endian, as the block stores its scale.
    private static func append(_ scale: Float, to bytes: inout [UInt8]) {
        let bits = Float16(scale).bitPattern
        bytes.append(UInt8(truncatingIfNeeded: bits))
        bytes.append(UInt8(truncatingIfNeeded: bits >> 8))
    }
}
