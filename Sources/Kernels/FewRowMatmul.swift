import CKernels

/// Fewer rows than half a narrow panel (a block step's 4 rows, the logits of a few positions):
/// the packed tiles would mostly multiply padding, so these paths read each weight once and share
/// it between the rows in registers. Both are memory-bound: a 4-row step of a bf16 model reads
/// 2 bytes per weight for 8 flops.
enum FewRows {
    /// Below this many input rows the few-row paths run.
    static let limit = MatmulTile.narrowPanel / 2
    /// Whether this CPU runs the row-stable bf16 kernel (AVX-512F/BW); elsewhere row-stable
    /// calls of few rows take the packed path, as before.
    static let rowStableSupported = dscope_few_rows_supported() != 0
    /// Weight-row groups a worker claims at a time (a group is 16 or 8 rows).
    static let claim = 16
}

/// `matmul`'s few-row path: for each weight row, `dot` of each input row with it, in `dot`'s own
/// order (two 16-lane accumulators over 32-value strides, their sum, then the scalar tail), so a
/// row's result does not depend on how many rows share the call. bf16 rows are widened in
/// registers and shared by up to four input rows per load; the other types are converted once per
/// weight row into an L1 buffer.
func matmulFewRows(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                   into out: UnsafeMutablePointer<Float>, threads: Int) {
    let K = w.columns, N = w.rows
    parallelFor(N, threads: threads, granularity: 64) { rowRange in
        if w.dtype == .bf16 {
            for n in rowRange {
                for first in stride(from: 0, to: rows, by: 4) {
                    dotBF16(x + first * K, rows: min(4, rows - first), w.rowAddress(n), count: K,
                            into: out + first * N + n, stride: N)
                }
            }
            return
        }
        let converted = UnsafeMutablePointer<Float>.allocate(capacity: K)
        defer { converted.deallocate() }
        for n in rowRange {
            convertToFloat(w.rowAddress(n), w.dtype, count: K, into: converted)
            for t in 0..<rows { out[t * N + n] = dot(x + t * K, converted, count: K) }
        }
    }
}

/// out[t · stride] = dot(x_t, w) for t < rows (1...4; x_t = x + t · count), w a bf16 row, each
/// sum in exactly `dot`'s order: missing rows repeat the last one and are not stored.
@inline(__always)
private func dotBF16(_ x: UnsafePointer<Float>, rows: Int, _ w: UnsafeRawPointer, count: Int,
                     into out: UnsafeMutablePointer<Float>, stride: Int) {
    let x0 = UnsafeRawPointer(x), x1 = UnsafeRawPointer(x + min(1, rows - 1) * count)
    let x2 = UnsafeRawPointer(x + min(2, rows - 1) * count), x3 = UnsafeRawPointer(x + min(3, rows - 1) * count)
    var a0 = SIMD16<Float>(), b0 = SIMD16<Float>(), a1 = SIMD16<Float>(), b1 = SIMD16<Float>()
    var a2 = SIMD16<Float>(), b2 = SIMD16<Float>(), a3 = SIMD16<Float>(), b3 = SIMD16<Float>()
    @inline(__always) func xs(_ row: UnsafeRawPointer, _ i: Int) -> SIMD16<Float> {
        row.loadUnaligned(fromByteOffset: i &* 4, as: SIMD16<Float>.self)
    }
    var i = 0
    while i &+ 32 <= count {
        let low = widenBF16(w, i), high = widenBF16(w, i &+ 16)
        a0.addProduct(xs(x0, i), low); b0.addProduct(xs(x0, i &+ 16), high)
        a1.addProduct(xs(x1, i), low); b1.addProduct(xs(x1, i &+ 16), high)
        a2.addProduct(xs(x2, i), low); b2.addProduct(xs(x2, i &+ 16), high)
        a3.addProduct(xs(x3, i), low); b3.addProduct(xs(x3, i &+ 16), high)
        i &+= 32
    }
    if i &+ 16 <= count {
        let low = widenBF16(w, i)
        a0.addProduct(xs(x0, i), low); a1.addProduct(xs(x1, i), low)
        a2.addProduct(xs(x2, i), low); a3.addProduct(xs(x3, i), low)
        i &+= 16
    }
    var sums = ((a0 + b0).sum(), (a1 + b1).sum(), (a2 + b2).sum(), (a3 + b3).sum())
    let bits = w.assumingMemoryBound(to: UInt16.self)
    let xf = (x0.assumingMemoryBound(to: Float.self), x1.assumingMemoryBound(to: Float.self),
              x2.assumingMemoryBound(to: Float.self), x3.assumingMemoryBound(to: Float.self))
    while i < count {
        let weight = floatFromBFloat16(bits[i])
        sums.0 += xf.0[i] * weight; sums.1 += xf.1[i] * weight
        sums.2 += xf.2[i] * weight; sums.3 += xf.3[i] * weight
        i &+= 1
    }
    out[0] = sums.0
    if rows > 1 { out[stride] = sums.1 }
    if rows > 2 { out[2 &* stride] = sums.2 }
    if rows > 3 { out[3 &* stride] = sums.3 }
}

/// Sixteen bf16 values at `w + 2 · index` as Floats (the bits shifted into the high half).
@inline(__always)
private func widenBF16(_ w: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
    let b = w.loadUnaligned(fromByteOffset: index &* 2, as: SIMD16<UInt16>.self)
    // Lane by lane: the generic SIMD conversion initialiser can stay an out-of-line call.
    let wide = SIMD16<UInt32>(UInt32(b[0]), UInt32(b[1]), UInt32(b[2]), UInt32(b[3]),
                              UInt32(b[4]), UInt32(b[5]), UInt32(b[6]), UInt32(b[7]),
                              UInt32(b[8]), UInt32(b[9]), UInt32(b[10]), UInt32(b[11]),
                              UInt32(b[12]), UInt32(b[13]), UInt32(b[14]), UInt32(b[15]))
    return unsafeBitCast(wide &<< 16, to: SIMD16<Float>.self)
}

/// `rowStableMatmul`'s few-row path for bf16 weights (CKernels/few_row_kernels.c): the packed
/// kernel's summation order, bit for bit, reading the weights once. The weight rows go in groups
/// of 16 (1–4 input rows) or 8 (5–7), `FewRows.claim` groups at a time, to whichever worker is free.
func rowStableFewRowsBF16(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                          into out: UnsafeMutablePointer<Float>, threads: Int) {
    precondition(w.dtype == .bf16 && rows > 0 && rows < FewRows.limit)
    let K = w.columns, N = w.rows
    let lanes = rows <= 4 ? 4 : 8, groupRows = Int(dscope_few_rows_group_rows(Int32(lanes)))
    let groups = (N + groupRows - 1) / groupRows
    let claims = WorkCounter((groups + FewRows.claim - 1) / FewRows.claim)
    let weights = w.base.assumingMemoryBound(to: UInt16.self)
    ScratchPool.shared.withBuffer(K * lanes) { panel in
        dscope_few_rows_panel(x, Int32(rows), Int32(K), Int32(lanes), panel)
        runWorkers(max(1, min(threads, claims.count))) { _ in
            while let claim = claims.claim() {
                let first = claim * FewRows.claim
                dscope_few_rows_bf16(weights, K, Int32(N), Int32(first), Int32(min(FewRows.claim, groups - first)),
                                     panel, Int32(lanes), Int32(rows), Int32(K), Int32(min(K, MatmulTile.span)), out)
            }
        }
    }
}
