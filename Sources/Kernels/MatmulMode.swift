import CKernels

/// How the matmul multiplies quantised weights (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K), and bf16 weights
/// where the CPU has AVX512-BF16, against a canvas. f32 and f16 weights always take the exact path.
public enum MatmulMode: String, Sendable {
    /// Activations in reduced precision against the stored weights. Quantised weights: activations
    /// quantised to int8 per 32-value block, integer dot products (Int8Matmul.swift), off from the
    /// exact product by at most half an activation step per value. bf16 weights against 8 or more
    /// rows: activations rounded to bf16, vdpbf16ps (BF16DotMatmul.swift), where `bf16DotProducts`.
    case fast
    /// Weights dequantised to fp32 and multiplied with fp32 FMAs: the reference.
    case exact

    /// The mode every matmul of this process uses; set once, before any model runs, from
    /// `--exact-matmul`.
    nonisolated(unsafe) public static var current: MatmulMode = .fast

    /// The integer instruction set the int8 path uses: the best this CPU has, by detection at
    /// run time (a benchmark may pick a lesser supported one); `nil` where it has none, and the
    /// quantised weights then take the exact path.
    nonisolated(unsafe) public static var int8InstructionSet: Int8InstructionSet? = bestInt8InstructionSet

    public static let bestInt8InstructionSet = Int8InstructionSet(dscope_int8_best_isa())

    /// Whether bf16 weights take vdpbf16ps in `.fast` mode: where this CPU has it, by detection at
    /// run time (a benchmark or test may turn it off); elsewhere they take the exact path.
    nonisolated(unsafe) public static var bf16DotProducts: Bool = BF16Dot.isSupported
}

/// The instruction sets the int8 tiles are written for, chosen by CPU detection at run time.
public enum Int8InstructionSet: String, Sendable, CaseIterable {
    case avx2
    case avx512vnni

    /// The instructions that do the integer dot products.
    public var instructions: String {
        switch self {
        case .avx2: "AVX2 vpmaddubsw"
        case .avx512vnni: "AVX512-VNNI vpdpbusd"
        }
    }

    init?(_ isa: dscope_isa) {
        switch isa {
        case DSCOPE_ISA_AVX2: self = .avx2
        case DSCOPE_ISA_AVX512VNNI: self = .avx512vnni
        default: return nil
        }
    }

    var isa: dscope_isa {
        switch self {
        case .avx2: DSCOPE_ISA_AVX2
        case .avx512vnni: DSCOPE_ISA_AVX512VNNI
        }
    }

    /// Whether this CPU can run `self` (the test suite runs every set the CPU has).
    public var isSupported: Bool {
        guard let best = MatmulMode.bestInt8InstructionSet else { return false }
        return self == best || self == .avx2
    }
}
