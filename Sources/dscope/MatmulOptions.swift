import ArgumentParser
import Kernels

/// `--exact-matmul`, shared by every command that multiplies weights; `apply()` sets the process's
/// matmul mode from it, before any model runs.
struct MatmulOptions: ParsableArguments {
    @Flag(help: "Multiply quantised weights (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K) exactly, dequantised to fp32, instead of with int8 activations, and bf16 weights in fp32 instead of with AVX512-BF16's vdpbf16ps (bf16 activations) where the CPU has it.")
    var exactMatmul = false

    func apply() { MatmulMode.current = exactMatmul ? .exact : .fast }
}
