import ArgumentParser
import Foundation
import Kernels

struct BenchMatmulCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "matmul",
        abstract: "Time out[M×N] = x[M×K]·wᵀ with random weights stored as f32, bf16, f16, q8_0 or q4_0."
    )

    @Option(help: "Rows of the activation (canvas positions).") var m = 128
    @Option(help: "Inner dimension.") var k = 4096
    @Option(help: "Rows of the weight matrix (output features).") var n = 4096
    @Option(help: "Stored precision of the weights: f32, bf16, f16, q8_0 or q4_0 (K a multiple of 32).")
    var weights: WeightDType = .bf16
    @Option(help: "Worker threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed repetitions (after one warm-up).") var repeats = 10

    func validate() throws {
        for (flag, value) in [("--m", m), ("--k", k), ("--n", n)] { try FlagBounds.check(flag, value, 1...FlagBounds.matrixElements) }
        try FlagBounds.checkProduct("--m × --k", m, k)
        try FlagBounds.checkProduct("--m × --n", m, n)
        try FlagBounds.checkProduct("--n × --k", n, k)
        try FlagBounds.check("--threads", threads, FlagBounds.threads)
        try FlagBounds.check("--repeats", repeats, FlagBounds.repeats)
        guard k % weights.blockLength == 0 else {
            throw ValidationError("\(weights) weights are blocks of \(weights.blockLength) values: --k must be a multiple of it")
        }
    }

    func run() throws {
        let weightsBuffer = RandomWeights(rows: n, columns: k, dtype: weights, seed: 1)
        let x = UnsafeMutablePointer<Float>.allocate(capacity: m * k)
        let out = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { x.deallocate(); out.deallocate() }
        var generator = SplitMix64(seed: 2)
        for i in 0..<(m * k) { x[i] = generator.nextSignedUnitFloat() }

        matmul(x, rows: m, weightsBuffer.matrix, into: out, threads: threads)
        var seconds: [Double] = []
        let cpuStart = processCPUSeconds()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            matmul(x, rows: m, weightsBuffer.matrix, into: out, threads: threads)
            seconds.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        let cpuPerRepeat = (processCPUSeconds() - cpuStart) / Double(repeats)
        let flop = 2.0 * Double(m) * Double(k) * Double(n)
        let best = seconds.min()!, median = seconds.sorted()[seconds.count / 2]
        print("matmul \(m)x\(k)x\(n) weights=\(weights.rawValue) threads=\(threads) repeats=\(repeats)")
        print(String(format: "median %.3f ms  best %.3f ms  (%.1f GFLOP/s at median)",
                     median * 1e3, best * 1e3, flop / median / 1e9))
        // CPU time tells a busy machine apart from a slow kernel.
        print(String(format: "cpu %.3f core-seconds per run (%.1f GFLOP/s per busy core)",
                     cpuPerRepeat, flop / cpuPerRepeat / 1e9))
        let peak = measureFMAPeakGFLOPS(threads: threads)
        print(String(format: "fp32 FMA peak of this machine with %d threads, measured now: %.1f GFLOP/s; matmul reaches %.0f%% of it",
                     threads, peak, flop / median / 1e9 / peak * 100))
        print(String(format: "gflops=%.1f", flop / median / 1e9))
    }
}

extension WeightDType: ExpressibleByArgument {}
