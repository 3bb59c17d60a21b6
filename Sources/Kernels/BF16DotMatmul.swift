import CKernels

/// bf16 weights against many rows with AVX512-BF16's vdpbf16ps (CKernels/bf16_dot_kernels.c),
/// twice the fp32 FMA's multiply-adds per instruction. The canvas is rounded to bf16 once per call
/// into 16-row panels; weight rows go in blocks of `BF16Dot.blockRows` to whichever worker is free,
/// read as stored, and each block sweeps every panel a span of columns at a time (the block's span
/// of weights stays in L2 while the panels stream past it).
///
/// Error against the exact product: each activation moves by at most half a bf16 step, 2⁻⁹ of its
/// magnitude, so |Δ out| ≤ 2⁻⁹ · Σ_k |x_k · w_k| plus fp32 rounding of the sums.
func matmulBF16Dot(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                   into out: UnsafeMutablePointer<Float>, threads: Int, span: Int = BF16Dot.span) {
    precondition(w.dtype == .bf16 && w.columns % 2 == 0 && span % 2 == 0, "the bf16 dot path needs bf16 weights with an even column count")
    let K = w.columns, N = w.rows
    let lanes = Int(DSCOPE_PANEL_ROWS), panels = (rows + lanes - 1) / lanes, paddedT = panels * lanes
    let panelWords = K / 2 * lanes
    ScratchPool.shared.withBuffer(panels * panelWords) { buffer in
        let panel = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: UInt32.self)
        parallelFor(panels, threads: threads) { range in
            for p in range {
                dscope_bf16_dot_panel(x + p * lanes * K, Int32(min(lanes, rows - p * lanes)), Int32(K),
                                      panel + p * panelWords)
            }
        }
        let blockRows = BF16Dot.blockRows
        let blocks = WorkCounter((N + blockRows - 1) / blockRows)
        let weights = w.base.assumingMemoryBound(to: UInt16.self)
        runWorkers(max(1, min(threads, blocks.count))) { _ in
            ScratchPool.shared.withBuffer(blockRows * paddedT) { sums in
                while let block = blocks.claim() {
                    let firstRow = block * blockRows, rowCount = min(blockRows, N - firstRow)
                    dscope_bf16_dot_block(weights + firstRow * K, K, Int32(rowCount), panel, Int32(panels), Int32(K),
                                          Int32(span), sums, paddedT)
                    for t in 0..<rows {
                        let destination = out + (t &* N &+ firstRow)
                        for i in 0..<rowCount { destination[i] = sums[i &* paddedT &+ t] }
                    }
                }
            }
        }
    }
}

public enum BF16Dot {
    /// Whether this CPU has vdpbf16ps (AVX512-BF16, with AVX-512F/BW), by detection at run time.
    public static let isSupported = dscope_bf16_dot_supported() != 0
    /// Weight rows a worker claims: a multiple of the tile's 8. 32 rows of a 4,096-column span
    /// (256 KiB) and one pair of panels' span (256 KiB) share the 1 MiB L2.
    static let blockRows = 32
    /// Columns per chain: whole rows of LLaDA-8B's attention weights; ffn_down's 12,288 columns
    /// take three spans.
    static let span = 4096
}
