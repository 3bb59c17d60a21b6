import Dispatch

/// Measures this machine's fp32 fused-multiply-add throughput (GFLOP/s) with `threads` threads
/// running independent register-only FMA chains: the ceiling a matmul can approach. Virtual
/// machines differ (shared cores, SMT siblings), so benchmarks report speed against this.
/// Returns the best rate and all the floating-point operations done (to divide by CPU time).
public func measureFMAPeakGFLOPS(threads: Int, seconds: Double = 0.3) -> (gflops: Double, flop: Double) {
    let iterations = 2_000_000
    let perThreadFlop = Double(iterations) * 6 * 16 * 2
    var best = 0.0, total = 0.0
    let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
    repeat {
        let start = DispatchTime.now().uptimeNanoseconds
        parallelFor(threads, threads: threads) { range in
            for worker in range { fmaChains(iterations, seed: Float(worker) * 1e-9) }
        }
        let elapsed = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = max(best, perThreadFlop * Double(threads) / elapsed / 1e9)
        total += perThreadFlop * Double(threads)
    } while DispatchTime.now().uptimeNanoseconds < deadline
    return (best, total)
}

/// Six independent 16-lane chains (12 AVX2 registers) hide the FMA latency.
@inline(never)
private func fmaChains(_ iterations: Int, seed: Float) {
    let scale = SIMD16<Float>(repeating: 0.999_999)
    var c0 = SIMD16<Float>(repeating: seed), c1 = c0 + 1, c2 = c0 + 2, c3 = c0 + 3, c4 = c0 + 4, c5 = c0 + 5
    for _ in 0..<iterations {
        c0.addProduct(c0, scale); c1.addProduct(c1, scale); c2.addProduct(c2, scale)
        c3.addProduct(c3, scale); c4.addProduct(c4, scale); c5.addProduct(c5, scale)
    }
    blackHole(c0 + c1 + c2 + c3 + c4 + c5)
}

/// Keeps the chains alive: a test the optimiser cannot decide (comparing with NaN, as this did
/// before, is always false, and LLVM then deleted the chains altogether).
@inline(never)
private func blackHole(_ value: SIMD16<Float>) {
    if value.sum().bitPattern == 0x7FC0_0001 { print("") }
}
