import Kernels

/// A tensor element type of ggml (`enum ggml_type` in ggml.h) with its block geometry, so every
/// tensor of a file can be bounds-checked, and listed, even when dscope cannot compute with it.
public struct GGMLType: Hashable, Sendable, CustomStringConvertible {
    public let id: UInt32
    public let name: String
    /// Values per block (1 for plain types).
    public let blockLength: Int
    public let blockBytes: Int

    public var description: String { name }

    /// The matmul's storage format for this type, when it has one.
    public var weightDType: WeightDType? {
        switch name {
        case "F32": .f32
        case "F16": .f16
        case "BF16": .bf16
        case "Q8_0": .q8_0
        case "Q4_0": .q4_0
        case "Q4_K": .q4_k
        case "Q5_K": .q5_k
        case "Q6_K": .q6_k
        default: nil
        }
    }

    public static func withID(_ id: UInt32) -> GGMLType? { known[id] }

    /// Block sizes as ggml's type traits give them (GGML_QUANT_SIZES in gguf-py).
    private static let known: [UInt32: GGMLType] = {
        let table: [(UInt32, String, Int, Int)] = [
            (0, "F32", 1, 4), (1, "F16", 1, 2), (2, "Q4_0", 32, 18), (3, "Q4_1", 32, 20),
            (6, "Q5_0", 32, 22), (7, "Q5_1", 32, 24), (8, "Q8_0", 32, 34), (9, "Q8_1", 32, 40),
            (10, "Q2_K", 256, 84), (11, "Q3_K", 256, 110), (12, "Q4_K", 256, 144),
            (13, "Q5_K", 256, 176), (14, "Q6_K", 256, 210), (15, "Q8_K", 256, 292),
            (16, "IQ2_XXS", 256, 66), (17, "IQ2_XS", 256, 74), (18, "IQ3_XXS", 256, 98),
            (19, "IQ1_S", 256, 50), (20, "IQ4_NL", 32, 18), (21, "IQ3_S", 256, 110),
            (22, "IQ2_S", 256, 82), (23, "IQ4_XS", 256, 136), (24, "I8", 1, 1), (25, "I16", 1, 2),
            (26, "I32", 1, 4), (27, "I64", 1, 8), (28, "F64", 1, 8), (29, "IQ1_M", 256, 56),
            (30, "BF16", 1, 2), (34, "TQ1_0", 256, 54), (35, "TQ2_0", 256, 66),
            (39, "MXFP4", 32, 17),
        ]
        return Dictionary(uniqueKeysWithValues: table.map {
            ($0.0, GGMLType(id: $0.0, name: $0.1, blockLength: $0.2, blockBytes: $0.3))
        })
    }()
}
