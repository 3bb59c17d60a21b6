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

/// Many rows (a whole canvas). x is packed once into panels; each thread walks its weight rows
/// in passes of `MatmulTile.blockRows` rows × up to `MatmulTile.span` columns, converted to fp32
/// in a buffer while the previous pass computes (two buffers), and runs the register tiles over
/// the pass `MatmulTile.depth` columns at a time so the packed inputs they stream stay in L2.
func matmulPacked(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                  into out: UnsafeMutablePointer<Float>, threads: Int) {
    let K = w.columns, N = w.rows
    let layout = PanelLayout(rows: rows)
    let paddedT = layout.paddedRows
    let xT = allocateAligned(paddedT * K)
    defer { xT.deallocate() }
    pack(x, rows: rows, columns: K, into: xT, layout, threads: threads)

    let blockRows = MatmulTile.blockRows
    let span = min(K, MatmulTile.span)
    let spansPerBlock = (K + span - 1) / span
    parallelFor(N, threads: threads, granularity: blockRows) { rowRange in
        let buffers = [allocateAligned(blockRows * span), allocateAligned(blockRows * span)]
        // Partial sums of the block's weight rows for every input row, n-major so a tile adds
        // contiguous lanes; transposed into `out` once per block.
        let sums = allocateAligned(blockRows * paddedT)
        defer { buffers.forEach { $0.deallocate() }; sums.deallocate() }
        let passCount = (rowRange.count + blockRows - 1) / blockRows * spansPerBlock
        func firstRow(_ pass: Int) -> Int { rowRange.lowerBound + pass / spansPerBlock * blockRows }
        func firstColumn(_ pass: Int) -> Int { pass % spansPerBlock * span }
        func conversion(_ pass: Int) -> PassConversion {
            guard pass < passCount else { return .finished(w, into: buffers[0]) }
            let row = firstRow(pass), column = firstColumn(pass)
            return PassConversion(w, rows: row..<min(row + blockRows, rowRange.upperBound),
                                  columns: column..<min(column + span, K), into: buffers[pass & 1])
        }
        var first = conversion(0)
        first.finish()
        for pass in 0..<passCount {
            let b0 = firstRow(pass), k0 = firstColumn(pass), kLength = min(span, K - k0)
            let block = buffers[pass & 1]
            var next = conversion(pass + 1)
            if k0 == 0 { sums.update(repeating: 0, count: blockRows * paddedT) }
            for sub in stride(from: 0, to: kLength, by: MatmulTile.depth) {
                let depth = min(MatmulTile.depth, kLength - sub)
                for panel in layout.widths.indices {
                    let width = layout.widths[panel]
                    let xPanel = xT + layout.starts[panel] * K + (k0 + sub) * width
                    let panelSums = sums + layout.starts[panel]
                    if width == MatmulTile.widePanel {
                        for tile in stride(from: 0, to: blockRows, by: 4) {
                            tile4x24(xPanel, block + tile * kLength + sub, ld: kLength, depth: depth,
                                     into: panelSums + tile * paddedT, stride: paddedT, converting: next.nextJob())
                        }
                    } else {
                        for tile in stride(from: 0, to: blockRows, by: 6) {
                            tile6x16(xPanel, block + tile * kLength + sub, ld: kLength, depth: depth,
                                     into: panelSums + tile * paddedT, stride: paddedT, converting: next.nextJob())
                        }
                    }
                }
            }
            next.finish()
            if k0 + kLength == K {
                // Contiguous writes into `out`; the strided reads stay inside the small sums buffer.
                let bCount = min(blockRows, rowRange.upperBound - b0)
                for t in 0..<rows {
                    let destination = out + (t &* N &+ b0)
                    for i in 0..<bCount { destination[i] = sums[i &* paddedT &+ t] }
                }
            }
        }
    }
}

/// Panel p occupies xT[starts[p] · K ..< (starts[p] + widths[p]) · K] as [k][lane]:
/// packed[k · width + lane] = x[starts[p] + lane][k], zero past the last row. Columns go in
/// blocks of 64 so each row is read sequentially while the written block stays in L1.
private func pack(_ x: UnsafePointer<Float>, rows: Int, columns K: Int,
                  into xT: UnsafeMutablePointer<Float>, _ layout: PanelLayout, threads: Int) {
    parallelFor(layout.widths.count, threads: threads) { panelRange in
        for panel in panelRange {
            let width = layout.widths[panel], packed = xT + layout.starts[panel] * K
            for k0 in stride(from: 0, to: K, by: 64) {
                let kEnd = min(K, k0 + 64)
                for lane in 0..<width {
                    let row = layout.starts[panel] + lane
                    if row < rows {
                        let source = x + row * K
                        for k in k0..<kEnd { packed[k &* width &+ lane] = source[k] }
                    } else {
                        for k in k0..<kEnd { packed[k &* width &+ lane] = 0 }
                    }
                }
            }
        }
    }
}

/// 64-byte aligned, so a SIMD16 load never straddles two cache lines.
private func allocateAligned(_ count: Int) -> UnsafeMutablePointer<Float> {
    UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: count)
}
