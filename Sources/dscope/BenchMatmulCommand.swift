import ArgumentParser
import Foundation
import Kernels

struct BenchMatmulCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matmul",
        abstract: "Time out[M×N] = x[M×K]·wᵀ with random weights stored as f32, bf16, f16, q8_0, q4_0, q4_k, q5_k or q6_k.",
        discussion: "Quantised weights run the int8 path (activations quantised to int8, integer dot products), and bf16 weights against 8 or more rows vdpbf16ps where the CPU has AVX512-BF16 (activations rounded to bf16), unless --exact-matmul."
    )

    @Option(help: "Rows of the activation (canvas positions).") var m = 128
    @Option(help: "Inner dimension.") var k = 4096
    @Option(help: "Rows of the weight matrix (output features).") var n = 4096
    @Option(help: "Stored precision of the weights: f32, bf16, f16, q8_0, q4_0 (K a multiple of 32), q4_k, q5_k or q6_k (K a multiple of 256).")
    var weights: WeightDType = .bf16
    @OptionGroup var matmulMode: MatmulOptions
    @Option(help: "The int8 path's instructions: avx2 or avx512vnni (default: the best this CPU has).")
    var int8Instructions: Int8InstructionSet?
    @Flag(help: "Time rowStableMatmul (what block-diffusion models run: each row's bits independent of --m) instead of matmul.")
    var rowStable = false
    @Option(help: "Worker threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed repetitions (after one warm-up).") var repeats = 10

    func validate() throws {
        for (flag, value) in [("--m", m), ("--k", k), ("--n", n)] { try FlagBounds.check(flag, value, 1...FlagBounds.matrixElements) }
        try FlagBounds.checkProduct("--m × --k", m, k)
        try FlagBounds.checkProduct("--m × --n", m, n)
        try FlagBounds.checkProduct("--n × --k", n, k)
        try FlagBounds.check("--threads", threads, FlagBounds.threads)
        try FlagBounds.check("--repeats", repeats, FlagBounds.repeats)
        if let int8Instructions, !int8Instructions.isSupported {
            throw ValidationError("--int8-instructions \(int8Instructions.rawValue): this CPU does not have \(int8Instructions.instructions)")
        }
        guard k % weights.blockLength == 0 else {
            throw ValidationError("\(weights) weights are blocks of \(weights.blockLength) values: --k must be a multiple of it")
        }
    }

    func run() throws {
        matmulMode.apply()
        if let int8Instructions { MatmulMode.int8InstructionSet = int8Instructions }
        let weightsBuffer = RandomWeights(rows: n, columns: k, dtype: weights, seed: 1)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { x.deallocate(); out.deallocate() }
        var generator = SplitMix64(seed: 2)
        for i in 0..<(m * k) { x[i] = generator.nextSignedUnitFloat() }

        let multiply: (UnsafePointer<Float>, Int, WeightMatrix, UnsafeMutablePointer<Float>, Int) -> Void =
            rowStable ? rowStableMatmul : matmul
        multiply(UnsafePointer(x), m, weightsBuffer.matrix, out, threads)
        var seconds: [Double] = []
        let cpuStart = processCPUSeconds()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            multiply(UnsafePointer(x), m, weightsBuffer.matrix, out, threads)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let cpuPerRepeat = (processCPUSeconds() - cpuStart) / Double(repeats)
        let flop = 2.0 * Double(m) * Double(k) * Double(n)
        let best = seconds.min()!, median = seconds.sorted()[seconds.count / 2]
        print("matmul \(m)x\(k)x\(n) weights=\(weights.rawValue) threads=\(threads) repeats=\(repeats) path=\(pathName)")
        print(String(format: "median %.3f ms  best %.3f ms  (%.1f GFLOP/s at median)",
                     median * 1e3, best * 1e3, flop / median / 1e9))
        // Few rows are memory-bound: what counts is how fast the weights stream.
        print(String(format: "weights read at %.2f G values/s, %.1f GB/s at median",
                     Double(n * k) / median / 1e9, Double(weightsBuffer.matrix.byteCount) / median / 1e9))
        // CPU time tells a busy machine apart from a slow kernel.
        print(String(format: "cpu %.3f core-seconds per run (%.1f GFLOP/s per busy core)",
                     cpuPerRepeat, flop / cpuPerRepeat / 1e9))
        let peakCPUStart = processCPUSeconds()
        let (peak, peakFlop) = measureFMAPeakGFLOPS(threads: threads)
        let peakPerCore = peakFlop / (processCPUSeconds() - peakCPUStart) / 1e9
        print(String(format: "fp32 FMA peak of this machine with %d threads, measured now: %.1f GFLOP/s; matmul reaches %.0f%% of it",
                     threads, peak, flop / median / 1e9 / peak * 100))
        // On a shared machine both wall-clock figures move with the other tenants; per busy core
        // (CPU time) the comparison holds still.
        print(String(format: "per busy core: matmul %.1f GFLOP/s, fp32 FMA peak %.1f GFLOP/s: %.0f%%",
                     flop / cpuPerRepeat / 1e9, peakPerCore, flop / cpuPerRepeat / 1e9 / peakPerCore * 100))
        print(String(format: "gflops=%.1f", flop / median / 1e9))
    }

    /// Which arithmetic the timed matmul runs.
    private var pathName: String {
        if weights == .bf16, !matmulMode.exactMatmul, !rowStable, m >= 8, MatmulMode.bf16DotProducts {
            return "bf16 dot (AVX512-BF16 vdpbf16ps, activations rounded to bf16)"
        }
        guard weights.isQuantized, !matmulMode.exactMatmul else {
            let fewRows = m < 8 ? (rowStable ? " (few rows, packed order)" : " (few rows, dot order)") : ""
            return "exact fp32" + fewRows
        }
        return MatmulMode.int8InstructionSet.map { "int8 (\($0.instructions))" } ?? "exact fp32 (no int8 instructions on this CPU)"
    }
}

extension WeightDType: ExpressibleByArgument {}
extension Int8InstructionSet: ExpressibleByArgument {}
