import Foundation
@testable import Models

/// Writes a GGUF v3 file in memory (gguf.h layout), so that a test can state exactly which
/// metadata value or tensor info is extreme.
struct GGUFBuilder {
    struct TensorInfo {
        var name: String
        var dimensions: [UInt64]
        /// ggml type id: 0 F32, 1 F16, 2 Q4_0, 8 Q8_0, 30 BF16.
        var type: UInt32 = 0
        var offset: UInt64 = 0
    }

    var metadata: [(String, GGUFValue)] = []
    var tensors: [TensorInfo] = []
    var dataBytes = 0

    /// The metadata of a tiny LLaDA (d 16, 2 heads, 1 block, 40 tokens) and its token embedding.
    static func tinyLLaDA() -> GGUFBuilder {
        var builder = GGUFBuilder()
        builder.metadata = [
            ("general.architecture", .string("llada")),
            ("llada.embedding_length", .uint32(16)), ("llada.block_count", .uint32(1)),
            ("llada.attention.head_count", .uint32(2)), ("llada.feed_forward_length", .uint32(24)),
            ("llada.context_length", .uint32(64)), ("llada.rope.freq_base", .float32(10_000)),
            ("llada.attention.layer_norm_rms_epsilon", .float32(1e-5)),
            ("tokenizer.ggml.mask_token_id", .uint32(39)), ("tokenizer.ggml.eos_token_id", .uint32(38)),
        ]
        builder.tensors = [TensorInfo(name: "token_embd.weight", dimensions: [16, 40])]
        builder.dataBytes = 16 * 40 * 4
        return builder
    }

    mutating func set(_ key: String, _ value: GGUFValue) {
        if let index = metadata.firstIndex(where: { $0.0 == key }) { metadata[index].1 = value } else { metadata.append((key, value)) }
    }

    var bytes: Data {
        var data = Data()
        func put<T: FixedWidthInteger>(_ value: T) { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        func put(_ string: String) { put(UInt64(string.utf8.count)); data.append(contentsOf: Array(string.utf8)) }
        func put(value: GGUFValue) {
            switch value {
            case .uint32(let v): put(v)
            case .int32(let v): put(v)
            case .uint64(let v): put(v)
            case .int64(let v): put(v)
            case .float32(let v): put(v.bitPattern)
            case .float64(let v): put(v.bitPattern)
            case .bool(let v): put(UInt8(v ? 1 : 0))
            case .string(let v): put(v)
            default: fatalError("GGUFBuilder writes no \(value.typeName)")
            }
        }
        func typeID(_ value: GGUFValue) -> UInt32 {
            switch value {
            case .uint32: 4
            case .int32: 5
            case .float32: 6
            case .bool: 7
            case .string: 8
            case .uint64: 10
            case .int64: 11
            case .float64: 12
            default: fatalError("GGUFBuilder writes no \(value.typeName)")
            }
        }
        put(UInt32(0x4655_4747))
        put(UInt32(3))
        put(UInt64(tensors.count))
        put(UInt64(metadata.count))
        for (key, value) in metadata {
            put(key)
            put(typeID(value))
            put(value: value)
        }
        for tensor in tensors {
            put(tensor.name)
            put(UInt32(tensor.dimensions.count))
            for size in tensor.dimensions { put(size) }
            put(tensor.type)
            put(tensor.offset)
        }
        while data.count % 32 != 0 { data.append(0) }
        data.append(Data(count: dataBytes))
        return data
    }

    /// Writes the file to a fresh temporary path.
    func write() throws -> String {
        let path = NSTemporaryDirectory() + "dscope-\(UUID().uuidString).gguf"
        try bytes.write(to: URL(fileURLWithPath: path))
        return path
    }
}
