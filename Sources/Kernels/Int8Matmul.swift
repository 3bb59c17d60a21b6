import CKernels

/// The int8 path for quantised weights (CKernels does the arithmetic). The canvas is quantised
/// once into 16-row panels of int8 codes. Weight rows go in blocks of 16 to whichever worker is
/// free; a worker unpacks its block's codes to one byte per value, then runs the integer tiles
/// over every panel, which sum Σ code_w · code_x per 16- or 32-value run in int32.
/// - Q8_0, Q4_0 (int8_kernels.c): one activation scale per 32 values (as ggml's Q8_0) and its code
///   sum; value = d · (code − c), each run's integer sum Σ (code − c) · x exact, folded into fp32
///   once as d · (d_x · Σ).
/// - Q4_K, Q5_K, Q6_K (int8_kquant.c): ggml's Q8_K way — one activation scale per 256 values and
///   the code sum of every sub-block; the integer sub-block scales and mins multiply the int32
///   sums, and each superblock folds into fp32 once.
///
/// Fewer than 8 rows with AVX512-VNNI take a tile that packs 4 (or 2) weight rows into each
/// vector's lanes beside the input rows (int8_few_rows.c, int8_few_rows_kquant.c), with the same
/// sums bit for bit; it reads Q8_0, Q4_0 and Q4_K rows in place instead of unpacking them first.
///
/// Error against the exact product: each activation is off by at most half its block's step
/// d_x / 2 = max|x| / 254 (over 32 or 256 values), so |Δ out| ≤ Σ_k |w_k| · d_x(k) / 2 plus fp32 rounding.
func matmulInt8(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                into out: UnsafeMutablePointer<Float>, threads: Int, instructionSet: Int8InstructionSet) {
    guard let layout = w.dtype.int8Layout else { preconditionFailure("\(w.dtype) has no int8 path") }
    let K = w.columns, N = w.rows, unit = layout.unit, superblocks = layout.superblocks
    let lanes = Int(DSCOPE_PANEL_ROWS), panels = (rows + lanes - 1) / lanes, paddedT = panels * lanes
    let units = K / unit
    let isa = instructionSet.isa
    // AVX2's vpmaddubsw would saturate on Q8_0 codes offset to unsigned: those keep their sign.
    let signedQ8: Int32 = instructionSet == .avx2 && w.dtype == .q8_0 ? 1 : 0
    // Per panel: the codes; per run and lane a scale and a code sum (Q8_0/Q4_0), or per
    // superblock a scale and per two sub-blocks a pair of code sums (k-quants): the same room at most.
    let panelCodeFloats = K * lanes / 4, panelScaleFloats = units * lanes
    ScratchPool.shared.withBuffer(panels * (panelCodeFloats + 2 * panelScaleFloats)) { buffer in
        let codes = UnsafeMutableRawPointer(buffer).assumingMemoryBound(to: Int8.self)
        let scales = buffer + panels * panelCodeFloats
        let codeSums = UnsafeMutableRawPointer(scales + panels * panelScaleFloats).assumingMemoryBound(to: Int32.self)
        parallelFor(panels, threads: threads) { range in
            for p in range {
                let panelRows = Int32(min(lanes, rows - p * lanes)), panelCodes = codes + p * panelCodeFloats * 4
                if superblocks {
                    dscope_quantize_panel_k(x + p * lanes * K, panelRows, Int32(K), Int32(unit), panelCodes,
                                            scales + p * panelScaleFloats, codeSums + p * panelScaleFloats)
                } else {
                    dscope_quantize_panel(x + p * lanes * K, panelRows, Int32(K), panelCodes,
                                          scales + p * panelScaleFloats, codeSums + p * panelScaleFloats)
                }
            }
        }

        let blockRows = Int8Tile.blockRows, tileRows = Int(dscope_int8_tile_rows(isa))
        // 1–7 rows fill one panel; with VNNI a tile whose lanes are (weight row, input row) pairs
        // does the same sums with a quarter (or half) of the dot products (int8_few_rows.c).
        let fewRows = rows < FewRows.limit && instructionSet == .avx512vnni
        // Q8_0, Q4_0 and Q4_K rows the few-row tiles read in place; Q5_K and Q6_K are unpacked first.
        let inPlace = !superblocks || layout.type == DSCOPE_Q4_K
        let blocks = WorkCounter((N + blockRows - 1) / blockRows)
        runWorkers(max(1, min(threads, blocks.count))) { _ in
            ScratchPool.shared.withBuffer(blockRows * K / 4 + 2 * blockRows * units + blockRows * paddedT) { scratch in
                let weightCodes = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: UInt8.self)
                let a = scratch + blockRows * K / 4, b = a + blockRows * units
                // Q8_0/Q4_0: each block's d in a; k-quants: the integer scales in a, the min pairs, d
                // and dmin in b.
                let superblockFloats = blockRows * K / 256
                var factors = dscope_k_factors(
                    scale: UnsafeMutableRawPointer(a).assumingMemoryBound(to: Int32.self),
                    min_pairs: UnsafeMutableRawPointer(b).assumingMemoryBound(to: Int32.self),
                    d: b + blockRows * units / 2, dmin: b + blockRows * units / 2 + superblockFloats)
                // Sums of the block's weight rows for every input row, transposed into `out` at the end.
                let sums = b + blockRows * units
                while let block = blocks.claim() {
                    let firstRow = block * blockRows, rowCount = min(blockRows, N - firstRow)
                    // The few-row tiles run from cache: meanwhile, have the weights of the block
                    // this worker will likely claim next on their way from memory.
                    let ahead = firstRow + max(1, threads) * blockRows
                    let next = ahead < N ? w.rowAddress(ahead) : nil, nextCount = Int32(min(blockRows, N - ahead))
                    if fewRows && inPlace {
                        // Read in place: the tile assembles the codes and factors itself, and
                        // prefetches the next block a slice per 64 columns.
                        if superblocks {
                            dscope_int8_few_rows_q4_k_in_place(Int32(rows), w.rowAddress(firstRow), w.rowBytes, Int32(rowCount),
                                                               next, nextCount, codes, scales, codeSums, Int32(K), sums, paddedT)
                        } else {
                            dscope_int8_few_rows_in_place(layout.type, Int32(rows), w.rowAddress(firstRow), w.rowBytes,
                                                          Int32(rowCount), next, nextCount, codes, scales, codeSums,
                                                          Int32(K), sums, paddedT)
                        }
                    } else if superblocks {
                        for i in 0..<rowCount {
                            dscope_unpack_row_k(layout.type, w.rowAddress(firstRow + i), Int32(K), weightCodes + i * K, factors, Int32(i))
                        }
                        // The unpacking waited on memory (a sixth of a Q4_K_M forward went there):
                        // the next block's rows come in while this block's tiles run.
                        if ahead < N { dscope_prefetch(w.rowAddress(ahead), min(blockRows, N - ahead) * w.rowBytes) }
                        // Rows past the matrix: a tile reading them multiplies by zero factors.
                        for i in rowCount..<blockRows { zeroFactors(&factors, row: i, units: units, superblocks: K / 256) }
                        if fewRows {
                            dscope_int8_few_rows_tile_k(Int32(rows), layout.type, weightCodes, &factors, codes, scales, codeSums,
                                                        Int32(K), sums, paddedT)
                        } else {
                            for tile in stride(from: 0, to: rowCount, by: tileRows) {
                                for p in 0..<panels {
                                    dscope_int8_tile_k(isa, layout.type, weightCodes + tile * K, &factors, Int32(tile),
                                                       codes + p * panelCodeFloats * 4, scales + p * panelScaleFloats,
                                                       codeSums + p * panelScaleFloats, Int32(K),
                                                       sums + tile * paddedT + p * lanes, paddedT)
                                }
                            }
                        }
                    } else {
                        for i in 0..<rowCount {
                            dscope_unpack_row(layout.type, w.rowAddress(firstRow + i), Int32(K), signedQ8, weightCodes + i * K,
                                              a + i * units, 1)
                        }
                        // Rows past the matrix: a tile reading them multiplies by d = 0.
                        let tiles = (rowCount + tileRows - 1) / tileRows * tileRows
                        if tiles > rowCount { (a + rowCount * units).update(repeating: 0, count: (tiles - rowCount) * units) }
                        for tile in stride(from: 0, to: rowCount, by: tileRows) {
                            for p in 0..<panels {
                                dscope_int8_tile(isa, layout.type, weightCodes + tile * K, a + tile * units,
                                                 codes + p * panelCodeFloats * 4, scales + p * panelScaleFloats,
                                                 codeSums + p * panelScaleFloats, Int32(K),
                                                 sums + tile * paddedT + p * lanes, paddedT)
                            }
                        }
                    }
                    // out[t][firstRow + i] = sums[i][t], in 16 × 16 register tiles (a scalar
                    // loop was 3 % of a Q4_K_M forward).
                    dscope_transpose_block(sums, Int32(rowCount), paddedT, Int32(rows), out + firstRow, N)
                }
            }
        }
    }
}

/// Row `row`'s k-quant factors (row-interleaved by 16, dscope_k_factors) set to zero.
private func zeroFactors(_ factors: inout dscope_k_factors, row: Int, units: Int, superblocks: Int) {
    let rows = Int(DSCOPE_PANEL_ROWS)
    for u in 0..<units { factors.scale[u * rows + row] = 0 }
    for pair in 0..<(units / 2) { factors.min_pairs[pair * rows + row] = 0 }
    for s in 0..<superblocks { (factors.d[s * rows + row], factors.dmin[s * rows + row]) = (0, 0) }
}

enum Int8Tile {
    /// Weight rows a worker unpacks at a time: a multiple of both tiles' rows (8 and 4); 16 rows
    /// of 4,096 codes (64 KiB) stay in L2 while the tiles sweep the panels.
    static let blockRows = 16
}

extension WeightDType {
    /// The unpacker's name for this type, the run of values that share one weight factor (Q6_K's
    /// sub-blocks are 16 values; the other types' 32), and whether the type takes the k-quant
    /// arithmetic (activations per 256 values, int8_kquant.c); nil for the float types.
    var int8Layout: (type: dscope_qtype, unit: Int, superblocks: Bool)? {
        switch self {
        case .f32, .bf16, .f16: nil
        case .q8_0: (DSCOPE_Q8_0, 32, false)
        case .q4_0: (DSCOPE_Q4_0, 32, false)
        case .q4_k: (DSCOPE_Q4_K, 32, true)
        case .q5_k: (DSCOPE_Q5_K, 32, true)
        case .q6_k: (DSCOPE_Q6_K, 16, true)
        }
    }
}
