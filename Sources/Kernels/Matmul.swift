import CKernels

/// out[T × N] = x[T × K] · wᵀ, with w [N × K] in its stored precision (a PyTorch Linear).
///
/// Many rows (a whole canvas): x is packed once, transposed into panels of 24 or 16 rows; a block
/// of weight rows × `depth` columns is converted (or dequantised) to fp32 into a small scratch that
/// stays in L1, and a register tile of fused multiply-adds runs over it (the BLIS layout): 4 weight
/// rows × 24 inputs (12 accumulators, 3 vector loads and 4 broadcasts per step) on 24-row panels,
/// 6 × 16 (12 accumulators, 2 loads, 6 broadcasts) on 16-row panels, mixed so a canvas is padded as
/// little as possible (128 = 4 × 24 + 2 × 16). Few rows (logits of a handful of positions): one
/// converted weight row is dotted with each input row; that path is memory-bound.
public func matmul(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                   into out: UnsafeMutablePointer<Float>, threads: Int) {
    precondition(rows >= 0)
    if rows == 0 || w.rows == 0 { return }
    if rows < MatmulTile.narrowPanel / 2 {
        matmulFewRows(x, rows: rows, w, into: out, threads: threads)
    } else {
        matmulPacked(x, rows: rows, w, into: out, threads: threads)
    }
}

enum MatmulTile {
    /// Input rows per packed panel: the 4 × 24 tile's and the 6 × 16 tile's.
    static let widePanel = 24
    static let narrowPanel = 16
    /// Weight rows per block are padded to a multiple of both tiles' weight rows (4 and 6).
    static let tileRowsMultiple = 12
    /// Columns of K converted and consumed per pass (a multiple of the 32-value quantised block);
    /// a 6 × 512 fp32 tile is 12 KiB (measured best against 256 and 1024 at 128×4096×4096).
    static let depth = 512
    /// Weight rows converted per pass (a multiple of `tileRowsMultiple`); 48 × 512 fp32 is 96 KiB.
    static let blockRows = 48
    /// Floats of partial sums per thread (128 KiB), bounding the block for long canvases.
    static let sumsBudget = 32768
}

/// Panels of 24 and 16 input rows covering a canvas with the least padding (more 24s on a tie:
/// that tile is the faster one). Only the last panel holds padding rows.
struct PanelLayout: Equatable {
    let widths: [Int]
    /// First (padded) input row of each panel.
    let starts: [Int]
    let paddedRows: Int

    init(rows: Int) {
        let wide = MatmulTile.widePanel, narrow = MatmulTile.narrowPanel
        var best = (padded: Int.max, wide: 0, narrow: 0)
        for wideCount in stride(from: rows / wide + 1, through: 0, by: -1) {
            let rest = max(0, rows - wideCount * wide)
            let narrowCount = (rest + narrow - 1) / narrow
            let padded = wideCount * wide + narrowCount * narrow
            if padded < best.padded { best = (padded, wideCount, narrowCount) }
        }
        widths = Array(repeating: wide, count: best.wide) + Array(repeating: narrow, count: best.narrow)
        starts = widths.indices.map { $0 < best.wide ? $0 * wide : best.wide * wide + ($0 - best.wide) * narrow }
        paddedRows = best.padded
    }
}

private func matmulPacked(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                          into out: UnsafeMutablePointer<Float>, threads: Int) {
    let K = w.columns, N = w.rows
    let depth = MatmulTile.depth, multiple = MatmulTile.tileRowsMultiple
    let layout = PanelLayout(rows: rows)
    let widths = layout.widths, starts = layout.starts, paddedT = layout.paddedRows

    // Panel p occupies xT[starts[p] · K ..< (starts[p] + widths[p]) · K] as [k][lane]:
    // packed[k · width + lane] = x[starts[p] + lane][k], zero past the last row.
    let xT = allocateAligned(paddedT * K)
    defer { xT.deallocate() }
    parallelFor(widths.count, threads: threads) { panelRange in
        for panel in panelRange {
            let width = widths[panel], packed = xT + starts[panel] * K
            for lane in 0..<width {
                let row = starts[panel] + lane
                if row < rows {
                    let source = x + row * K
                    for k in 0..<K { packed[k * width + lane] = source[k] }
                } else {
                    for k in 0..<K { packed[k * width + lane] = 0 }
                }
            }
        }
    }
    // Partial sums of a block of weight rows for every input row, n-major so a register tile
    // adds contiguous lanes; transposed into `out` once per block.
    let blockRows = max(multiple, min(MatmulTile.blockRows, MatmulTile.sumsBudget / paddedT / multiple * multiple))
    parallelFor(N, threads: threads, granularity: multiple) { rowRange in
        let block = allocateAligned(blockRows * depth)
        let sums = allocateAligned(blockRows * paddedT)
        defer { block.deallocate(); sums.deallocate() }
        var b0 = rowRange.lowerBound
        while b0 < rowRange.upperBound {
            let bCount = min(blockRows, rowRange.upperBound - b0)
            let paddedRows = (bCount + multiple - 1) / multiple * multiple
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
                // 12 converted weight rows (24 KiB) stay in L1 while the panels stream past.
                for group in stride(from: 0, to: paddedRows, by: multiple) {
                    for panel in widths.indices {
                        let xPanel = xT + starts[panel] * K + k0 * widths[panel]
                        let groupSums = sums + group * paddedT + starts[panel]
                        if widths[panel] == MatmulTile.widePanel {
                            for tile in stride(from: 0, to: multiple, by: 4) {
                                tile4x24(xPanel, block + (group + tile) * depth, depth: kLength,
                                         into: groupSums + tile * paddedT, stride: paddedT)
                            }
                        } else {
                            for tile in stride(from: 0, to: multiple, by: 6) {
                                tile6x16(xPanel, block + (group + tile) * depth, depth: kLength,
                                         into: groupSums + tile * paddedT, stride: paddedT)
                            }
                        }
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

/// sums[i · stride + lane] += Σ_k w_i[k] · panel[k][lane] for 4 weight rows i and 24 lanes.
@inline(__always)
private func tile4x24(_ xPanel: UnsafePointer<Float>, _ block: UnsafePointer<Float>, depth: Int,
                      into sums: UnsafeMutablePointer<Float>, stride: Int) {
    let w0 = block, w1 = block + MatmulTile.depth
    let w2 = block + 2 * MatmulTile.depth, w3 = block + 3 * MatmulTile.depth
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c22 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>(), c32 = SIMD8<Float>()
    let xs = UnsafeRawPointer(xPanel)
    for k in 0..<depth {
        let a0 = xs.loadUnaligned(fromByteOffset: k &* 96, as: SIMD8<Float>.self)
        let a1 = xs.loadUnaligned(fromByteOffset: k &* 96 &+ 32, as: SIMD8<Float>.self)
        let a2 = xs.loadUnaligned(fromByteOffset: k &* 96 &+ 64, as: SIMD8<Float>.self)
        let b0 = SIMD8(repeating: w0[k]), b1 = SIMD8(repeating: w1[k])
        let b2 = SIMD8(repeating: w2[k]), b3 = SIMD8(repeating: w3[k])
        c00.addProduct(a0, b0); c01.addProduct(a1, b0); c02.addProduct(a2, b0)
        c10.addProduct(a0, b1); c11.addProduct(a1, b1); c12.addProduct(a2, b1)
        c20.addProduct(a0, b2); c21.addProduct(a1, b2); c22.addProduct(a2, b2)
        c30.addProduct(a0, b3); c31.addProduct(a1, b3); c32.addProduct(a2, b3)
    }
    addLanes(c00, c01, c02, into: sums)
    addLanes(c10, c11, c12, into: sums + stride)
    addLanes(c20, c21, c22, into: sums + 2 * stride)
    addLanes(c30, c31, c32, into: sums + 3 * stride)
}

/// sums[i · stride + lane] += Σ_k w_i[k] · panel[k][lane] for 6 weight rows i and 16 lanes.
@inline(__always)
private func tile6x16(_ xPanel: UnsafePointer<Float>, _ block: UnsafePointer<Float>, depth: Int,
                      into sums: UnsafeMutablePointer<Float>, stride: Int) {
    let d = MatmulTile.depth
    let w0 = block, w1 = block + d, w2 = block + 2 * d, w3 = block + 3 * d, w4 = block + 4 * d, w5 = block + 5 * d
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
    addLanes(c0, into: sums)
    addLanes(c1, into: sums + stride)
    addLanes(c2, into: sums + 2 * stride)
    addLanes(c3, into: sums + 3 * stride)
    addLanes(c4, into: sums + 4 * stride)
    addLanes(c5, into: sums + 5 * stride)
}

@inline(__always)
private func addLanes(_ lanes: SIMD16<Float>, into destination: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(destination)
    raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + lanes, as: SIMD16<Float>.self)
}

@inline(__always)
private func addLanes(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>,
                      into destination: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(destination)
    raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + a, as: SIMD8<Float>.self)
    raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + b, toByteOffset: 32, as: SIMD8<Float>.self)
    raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self) + c, toByteOffset: 64, as: SIMD8<Float>.self)
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
