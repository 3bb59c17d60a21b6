/// Many rows (a whole canvas). x is packed once into panels (PanelPacking.swift). The weight rows
/// go in blocks of `MatmulTile.blockRows`, handed to whichever worker is free; a worker walks each
/// block in passes of up to `MatmulTile.span` columns, converted to fp32 in one buffer while the
/// tiles run the previous pass from the other, then runs the register tiles over the pass.
func matmulPacked(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix,
                  into out: UnsafeMutablePointer<Float>, threads: Int) {
    let K = w.columns, N = w.rows
    let layout = PanelLayout(rows: rows)
    let paddedT = layout.paddedRows
    ScratchPool.shared.withBuffer(paddedT * K) { xT in
        pack(x, rows: rows, columns: K, into: xT, layout, threads: threads)
        let blockRows = MatmulTile.blockRows
        let span = min(K, MatmulTile.span)
        let blocks = WorkCounter((N + blockRows - 1) / blockRows)
        // Offsets rounded to 16 Floats keep every buffer 64-byte aligned.
        let passFloats = (blockRows * span + 15) / 16 * 16
        runWorkers(max(1, min(threads, blocks.count))) { _ in
            ScratchPool.shared.withBuffer(2 * passFloats + blockRows * paddedT) { scratch in
                let buffers = [scratch, scratch + passFloats]
                // Partial sums of the block's weight rows for every input row, n-major so a tile
                // adds contiguous lanes; transposed into `out` once the block is done.
                let sums = scratch + 2 * passFloats

                /// The pass after `pass`: the block's next columns, or the first of a newly claimed block.
                func successor(of pass: WeightPass?) -> WeightPass? {
                    if let pass, pass.columns.upperBound < K {
                        return WeightPass(firstRow: pass.firstRow, columns: pass.columns.upperBound..<min(K, pass.columns.upperBound + span))
                    }
                    return blocks.claim().map { WeightPass(firstRow: $0 * blockRows, columns: 0..<span) }
                }
                func conversion(_ pass: WeightPass?, into buffer: UnsafeMutablePointer<Float>) -> PassConversion {
                    guard let pass else { return .finished(w, into: buffer) }
                    return PassConversion(w, rows: pass.firstRow..<min(pass.firstRow + blockRows, N),
                                          columns: pass.columns, into: buffer)
                }

                var current = successor(of: nil)
                var first = conversion(current, into: buffers[0])
                first.finish()
                var parity = 0
                while let pass = current {
                    let block = buffers[parity], ld = pass.columns.count
                    let following = successor(of: pass)
                    var next = conversion(following, into: buffers[parity ^ 1])
                    if pass.columns.lowerBound == 0 { sums.update(repeating: 0, count: blockRows * paddedT) }
                    // The last block may be partial: tiles past its rows would only multiply padding.
                    let rowCount = min(blockRows, N - pass.firstRow)
                    for panel in layout.widths.indices {
                        let width = layout.widths[panel]
                        let xPanel = xT + layout.starts[panel] * K + pass.columns.lowerBound * width
                        let panelSums = sums + layout.starts[panel]
                        if width == MatmulTile.widePanel {
                            for tile in stride(from: 0, to: rowCount, by: 4) {
                                tile4x24(xPanel, block + tile * ld, columns: ld,
                                         into: panelSums + tile * paddedT, stride: paddedT, converting: next.nextJob())
                            }
                        } else {
                            for tile in stride(from: 0, to: rowCount, by: 6) {
                                tile6x16(xPanel, block + tile * ld, columns: ld,
                                         into: panelSums + tile * paddedT, stride: paddedT, converting: next.nextJob())
                            }
                        }
                    }
                    next.finish()
                    if pass.columns.upperBound == K {
                        // Contiguous writes into `out`; the strided reads stay inside the small sums buffer.
                        for t in 0..<rows {
                            let destination = out + (t &* N &+ pass.firstRow)
                            for i in 0..<rowCount { destination[i] = sums[i &* paddedT &+ t] }
                        }
                    }
                    current = following
                    parity ^= 1
                }
            }
        }
    }
}

/// One block of weight rows over one run of columns.
private struct WeightPass {
    let firstRow: Int
    let columns: Range<Int>
}
