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

    /// The panel holding padded input row `row`.
    func panel(holding row: Int) -> Int {
        starts.lastIndex { $0 <= row }!
    }
}

/// Packs x [rows × K] into panels: panel p occupies xT[starts[p] · K ..< (starts[p] + widths[p]) · K]
/// as [k][lane], packed[k · width + lane] = x[starts[p] + lane][k], zero past the last row.
/// Eight rows at a time: an 8 × 8 block is read as eight row vectors and written as eight column
/// vectors (a scalar scatter was ~1 % of a 128 × 4096 × 4096 product).
func pack(_ x: UnsafePointer<Float>, rows: Int, columns K: Int,
          into xT: UnsafeMutablePointer<Float>, _ layout: PanelLayout, threads: Int) {
    parallelFor(layout.paddedRows / 8, threads: threads) { groups in
        for group in groups {
            let firstRow = group * 8
            let panel = layout.panel(holding: firstRow)
            let width = layout.widths[panel]
            let packed = xT + layout.starts[panel] * K + (firstRow - layout.starts[panel])
            let sources = (0..<8).map { firstRow + $0 < rows ? x + (firstRow + $0) * K : nil }
            var k = 0
            while k + 8 <= K {
                @inline(__always) func row(_ i: Int) -> SIMD8<Float> {
                    guard let source = sources[i] else { return SIMD8() }
                    return UnsafeRawPointer(source + k).loadUnaligned(as: SIMD8<Float>.self)
                }
                storeTransposed(row(0), row(1), row(2), row(3), row(4), row(5), row(6), row(7),
                                into: UnsafeMutableRawPointer(packed + k * width), columnBytes: width * 4)
                k += 8
            }
            for column in k..<K {
                for i in 0..<8 { packed[column * width + i] = sources[i]?[column] ?? 0 }
            }
        }
    }
}

/// Stores column j of the 8 × 8 block whose rows are a0…a7 at `destination + j · columnBytes`:
/// interleave pairs of rows, then pairs of pairs, then the 128-bit halves.
@inline(__always)
private func storeTransposed(_ a0: SIMD8<Float>, _ a1: SIMD8<Float>, _ a2: SIMD8<Float>, _ a3: SIMD8<Float>,
                             _ a4: SIMD8<Float>, _ a5: SIMD8<Float>, _ a6: SIMD8<Float>, _ a7: SIMD8<Float>,
                             into destination: UnsafeMutableRawPointer, columnBytes: Int) {
    @inline(__always) func interleaveLow(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], b[0], a[1], b[1], a[4], b[4], a[5], b[5])
    }
    @inline(__always) func interleaveHigh(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[2], b[2], a[3], b[3], a[6], b[6], a[7], b[7])
    }
    @inline(__always) func pairsLow(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[0], a[1], b[0], b[1], a[4], a[5], b[4], b[5])
    }
    @inline(__always) func pairsHigh(_ a: SIMD8<Float>, _ b: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(a[2], a[3], b[2], b[3], a[6], a[7], b[6], b[7])
    }
    let u0 = interleaveLow(a0, a1), u1 = interleaveHigh(a0, a1)
    let u2 = interleaveLow(a2, a3), u3 = interleaveHigh(a2, a3)
    let u4 = interleaveLow(a4, a5), u5 = interleaveHigh(a4, a5)
    let u6 = interleaveLow(a6, a7), u7 = interleaveHigh(a6, a7)
    // v_j holds column j of rows 0–3 (or 4–7) in its low half and column j + 4 in its high half.
    let v0 = pairsLow(u0, u2), v1 = pairsHigh(u0, u2), v2 = pairsLow(u1, u3), v3 = pairsHigh(u1, u3)
    let v4 = pairsLow(u4, u6), v5 = pairsHigh(u4, u6), v6 = pairsLow(u5, u7), v7 = pairsHigh(u5, u7)
    @inline(__always) func store(_ j: Int, _ low: SIMD4<Float>, _ high: SIMD4<Float>) {
        destination.storeBytes(of: SIMD8(lowHalf: low, highHalf: high), toByteOffset: j &* columnBytes, as: SIMD8<Float>.self)
    }
    store(0, v0.lowHalf, v4.lowHalf); store(1, v1.lowHalf, v5.lowHalf)
    store(2, v2.lowHalf, v6.lowHalf); store(3, v3.lowHalf, v7.lowHalf)
    store(4, v0.highHalf, v4.highHalf); store(5, v1.highHalf, v5.highHalf)
    store(6, v2.highHalf, v6.highHalf); store(7, v3.highHalf, v7.highHalf)
}
