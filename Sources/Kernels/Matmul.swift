/// out[T × N] = x[T × K] · wᵀ, with w [N × K] in its stored precision (a PyTorch Linear).
///
/// Many rows (a whole canvas) take the packed path (PackedMatmul.swift): 4 weight rows × 24
/// inputs (12 accumulators, 3 vector loads and 4 broadcasts per step) on 24-row panels, 6 × 16 on
/// 16-row panels, mixed so a canvas is padded as little as possible (128 = 4 × 24 + 2 × 16).
/// Few rows (logits of a handful of positions) take FewRowMatmul.swift's path: each weight read
/// once, `dot` of it with every input row; that path is memory-bound. Quantised weights take the
/// int8 path (Int8Matmul.swift) at any row count unless `MatmulMode.current` is `.exact`; bf16
/// weights against many rows take vdpbf16ps (BF16DotMatmul.swift) where the CPU has it, likewise.
public func matmul(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                   into out: UnsafeMutablePointer<Float>, threads: Int) {
    precondition(rows >= 0)
    if rows == 0 || w.rows == 0 { return }
    if MatmulMode.current == .fast, w.dtype.isQuantized, let instructionSet = MatmulMode.int8InstructionSet {
        matmulInt8(x, rows: rows, w, into: out, threads: threads, instructionSet: instructionSet)
    } else if MatmulMode.current == .fast, MatmulMode.bf16DotProducts, w.dtype == .bf16, rows >= FewRows.limit,
              w.columns % 2 == 0 {
        matmulBF16Dot(x, rows: rows, w, into: out, threads: threads)
    } else if rows < FewRows.limit {
        matmulFewRows(x, rows: rows, w, into: out, threads: threads)
    } else {
        matmulPacked(x, rows: rows, w, into: out, threads: threads)
    }
}

/// `matmul` whose every output element is summed in one order whatever `rows` is (the packed
/// kernel's: one fp32 FMA chain over each span of k, spans added in order), so rows computed alone
/// equal, bit for bit, the same rows inside a longer product. `matmul`'s few-row path sums with
/// interleaved accumulators instead. bf16 weights stay in fp32 here at every row count: a block's
/// few rows are memory-bound and keep fp32, so a canvas in vdpbf16ps would not give their bits.
/// Few rows of bf16 weights take a kernel that keeps the packed
/// order while reading each weight once (FewRowMatmul.swift); other float types pay up to 16/rows
/// times their multiplies there. Quantised weights keep the int8 path at every row count: it
/// quantises each input row on its own and folds each row's integer sums in one order, so it is
/// row-stable too.
public func rowStableMatmul(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                            into out: UnsafeMutablePointer<Float>, threads: Int) {
    precondition(rows >= 0)
    if rows == 0 || w.rows == 0 { return }
    if MatmulMode.current == .fast, w.dtype.isQuantized, let instructionSet = MatmulMode.int8InstructionSet {
        matmulInt8(x, rows: rows, w, into: out, threads: threads, instructionSet: instructionSet)
    } else if rows < FewRows.limit, w.dtype == .bf16, FewRows.rowStableSupported {
        rowStableFewRowsBF16(x, rows: rows, w, into: out, threads: threads)
    } else {
        matmulPacked(x, rows: rows, w, into: out, threads: threads)
    }
}

enum MatmulTile {
    /// Input rows per packed panel: the 4 × 24 tile's and the 6 × 16 tile's.
    static let widePanel = 24
    static let narrowPanel = 16
    /// Weight rows per pass: a multiple of both tiles' weight rows (4 and 6).
    static let blockRows = 12
    /// Columns per pass: 12 × 4096 fp32 is a 192 KiB buffer (two of them in L2). Whole 8 KiB
    /// rows of LLaDA-8B's attention weights read sequentially, which the hardware prefetcher
    /// follows (1 KiB segments of 48 rows measured 5 % slower). A tile runs the whole pass:
    /// splitting it into 512-column calls, so the packed inputs stay in L2, measured 2–3 % slower,
    /// and adding the accumulators into the sums every 512 columns 1 %. So one fp32 accumulator
    /// sums up to 4,096 products; its rounding error (~k · 2⁻²⁴ · |x·w|) stays near 1e-5 relative.
    static let span = 4096
    /// Values converted per slice, every `slice` tile steps: four quantised blocks. The Q8_0/Q4_0
    /// dequantisers stay calls (inlined, they made bf16 slower), and each call spills the
    /// tile's accumulators; one block per slice cost those types 3–5 %. bf16 and f16 do not mind.
    static let slice = 128
}
