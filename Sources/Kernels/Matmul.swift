import CKernels

/// out[T × N] = x[T × K] · wᵀ, with w [N × K] in its stored precision (a PyTorch Linear).
///
/// Many rows (a whole canvas): x is packed once, transposed into panels of 16 rows; a block of 6
/// weight rows × `depth` columns is converted (or dequantised) to fp32 into a small scratch that
/// stays in L1, and a 6 × 16 register tile of fused multiply-adds runs over it (the BLIS layout:
/// 12 accumulators, 2 vector loads and 6 broadcasts per step). Few rows (logits of a handful of
/// positions): one converted weight row is dotted with each input row; that path is memory-bound.
public func matmul(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                   into out: UnsafeMutablePointer<Float>, threads: Int) {
    precondition(rows >= 0)
    if rows == 0 || w.rows == 0 { return }
    if rows < MatmulTile.panelRows / 2 {
        matmulFewRows(x, rows: rows, w, into: out, threads: threads)
    } else {
        matmulPacked(x, rows: rows, w, into: out, threads: threads)
    }
}

enum MatmulTile {
    /// Input rows per packed panel (one SIMD16 of accumulator lanes).
    static let panelRows = 16
    /// Weight rows per register tile.
    static let weightRows = 6
    /// Columns of K converted and consumed per pass (a multiple of the 32-value quantised block);
    /// a 6 × 512 fp32 tile is 12 KiB (measured best against 256 and 1024 at 128×4096×4096).
    static let depth = 512
    /// Weight rows converted per pass (a multiple of `weightRows`); 48 × 512 fp32 is 96 KiB.
    static let blockRows = 48
    /// Floats of partial sums per thread (128 KiB), bounding the block for long canvases.
    static let sumsBudget = 32768
}

private func matmulPacked(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                          into out: UnsafeMutablePointer<Float>, threads: Int) {
    let K = w.columns, N = w.rows
    let panelRows = MatmulTile.panelRows, tileRows = MatmulTile.weightRows, depth = MatmulTile.depth
    let panels = (rows + panelRows - 1) / panelRows

    // xT[panel][k][lane] = x[panel * 16 + lane][k], zero past the last row.
    let xT = allocateAligned(panels * K * panelRows)
    defer { xT.deallocate() }
    parallelFor(panels, threads: threads) { panelRange in
        for panel in panelRange {
            let packed = xT + panel * K * panelRows
            for lane in 0..<panelRows {
                let row = panel * panelRows + lane
                if row < rows {
                    let source = x + row * K
                    for k in 0..<K { packed[k * panelRows + lane] = source[k] }
                } else {
                    for k in 0..<K { packed[k * panelRows + lane] = 0 }
                }
            }
        }
    }
    // Partial sums of a block of weight rows for every input row, n-major so a register tile
    // adds 16 contiguous lanes; transposed into `out` once per block.
    let paddedT = panels * panelRows
    let blockRows = max(tileRows, min(MatmulTile.blockRows, MatmulTile.sumsBudget / paddedT / tileRows * tileRows))
    parallelFor(N, threads: threads, granularity: tileRows) { rowRange in
        let block = allocateAligned(blockRows * depth)
        let sums = allocateAligned(blockRows * paddedT)
        defer { block.deallocate(); sums.deallocate() }
        var b0 = rowRange.lowerBound
        while b0 < rowRange.upperBound {
            let bCount = min(blockRows, rowRange.upperBound - b0)
            let paddedRows = (bCount + tileRows - 1) / tileRows * tileRows
            sums.update(repeating: 0, count: paddedRows * paddedT)
            var k0 = 0
            while k0 < K {
                let kLength = min(depth, K - k0)
                // Strided weight rows stall on memory latency unless the next segment of every
                // row is requested one pass ahead.
                if k0 + kLength < K {
                    dscope_prefetch_rows(w.rowAddress(b0) + w.dtype.byteCount(values: k0 + kLength),
                                         w.rowBytes, Int32(bCount),
                                         w.dtype.byteCount(values: min(depth, K - k0 - kLength)))
                }
                // `depth` is a whole number of quantised blocks, so every segment starts on one.
                let segmentOffset = w.dtype.byteCount(values: k0)
                for i in 0..<paddedRows {
                    let destination = block + i * depth
                    if i < bCount {
                        convertToFloat(w.rowAddress(b0 + i) + segmentOffset, w.dtype,
                                       count: kLength, into: destination)
                    } else {
                        destination.update(repeating: 0, count: kLength)
                    }
                }
                for tile in stride(from: 0, to: paddedRows, by: tileRows) {
                    for panel in 0..<panels {
                        let partial = registerTile(xT + (panel * K + k0) * panelRows,
                                                   block + tile * depth, depth: kLength)
                        accumulate(partial, into: sums + tile * paddedT + panel * panelRows,
                                   stride: paddedT)
                    }
                }
                k0 += kLength
            }
            // Contiguous writes into `out`; the strided reads stay inside the small sums buffer.
            for t in 0..<rows {
                let destination = out + (t &* N &+ b0)
                for i in 0..<bCount { destination[i] = sums[i &* paddedT &+ t] }
            }
            b0 += bCount
        }
    }
}

/// 64-byte aligned, so a SIMD16 load never straddles two cache lines.
private func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: count)
}

private typealias Tile = (SIMD16<Float>, SIMD16<Float>, SIMD16<Float>,
                          SIMD16<Float>, SIMD16<Float>, SIMD16<Float>)

@inline(__always)
private func registerTile(_ xPanel: UnsafePointer<Float>, _ block: UnsafePointer<Float>,
                          depth: Int) -> Tile {
    let stride = MatmulTile.depth
    let w0 = block, w1 = block + stride, w2 = block + 2 * stride
    let w3 = block + 3 * stride, w4 = block + 4 * stride, w5 = block + 5 * stride
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
    let xs = UnsafeRawPointer(xPanel)
    for k in 0..<depth {
        let a = xs.loadUnaligned(fromByteOffset: k * 64, as: SIMD16<Float>.self)
        c0.addProduct(a, SIMD16(repeating: w0[k]))
        c1.addProduct(a, SIMD16(repeating: w1[k]))
        c2.addProduct(a, SIMD16(repeating: w2[k]))
        c3.addProduct(a, SIMD16(repeating: w3[k]))
        c4.addProduct(a, SIMD16(repeating: w4[k]))
        c5.addProduct(a, SIMD16(repeating: w5[k]))
    }
    return (c0, c1, c2, c3, c4, c5)
}

/// Adds the sums of weight row i (16 input rows) to sums[i · stride ..< i · stride + 16].
@inline(__always)
private func accumulate(_ tile: Tile, into sums: UnsafeMutablePointer<Float>, stride: Int) {
    addLanes(tile.0, into: sums)
    addLanes(tile.1, into: sums + stride)
    addLanes(tile.2, into: sums + 2 * stride)
    addLanes(tile.3, into: sums + 3 * stride)
    addLanes(tile.4, into: sums + 4 * stride)
    addLanes(tile.5, into: sums + 5 * stride)
}

@inline(__always)
private func addLanes(_ lanes: SIMD16<Float>, into destination: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(destination)
    raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + lanes, as: SIMD16<Float>.self)
}

private func matmulFewRows(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                           into out: UnsafeMutablePointer<Float>, threads: Int) {
    let K = w.columns, N = w.rows
    parallelFor(N, threads: threads, granularity: 64) { rowRange in
        let converted = UnsafeMutablePointer<Float>.allocate(capacity: K)
        defer { converted.deallocate() }
        for n in rowRange {
            convertToFloat(w.rowAddress(n), w.dtype, count: K, into: converted)
            for t in 0..<rows { out[t * N + n] = dot(x + t * K, converted, count: K) }
        }
    }
}
