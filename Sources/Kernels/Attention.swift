import CKernels

/// Full bidirectional multi-head attention, softmax(q·kᵀ/√d)·v with no mask, in fp32.
/// q, out: [T × heads·headDim]; k, v: [T × kvHeads·headDim]. Query head h reads kv head
/// h / (heads / kvHeads) (grouped KV, repeat-interleave). `keys` may exceed `queries` rows when
/// queries see a longer context.
public func bidirectionalAttention(q: UnsafePointer<Float>, queries: Int,
                                   k: UnsafePointer<Float>, v: UnsafePointer<Float>, keys: Int,
                                   heads: Int, kvHeads: Int, headDim: Int,
                                   into out: UnsafeMutablePointer<Float>, threads: Int) {
    precondition(heads % kvHeads == 0, "heads must be a multiple of kv heads")
    let group = heads / kvHeads
    let qStride = heads * headDim, kvStride = kvHeads * headDim
    let scale = 1 / Float(headDim).squareRoot()
    let paddedKeys = (keys + 15) / 16 * 16
    let tiles = (queries + queryTileRows - 1) / queryTileRows
    parallelFor(heads * tiles, threads: threads, granularity: max(1, tiles / 4)) { range in
        // Keys of one kv head transposed to [headDim × keys]: a score row is then headDim
        // broadcast-FMAs over 16 keys at a time, with no horizontal sums.
        let keysT = UnsafeMutablePointer<Float>.allocate(capacity: headDim * paddedKeys)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: queryTileRows * paddedKeys)
        defer { keysT.deallocate(); scores.deallocate() }
        var packedKVHead = -1
        for item in range {
            let h = item / tiles, first = item % tiles * queryTileRows
            let kvHead = h / group, kvOffset = kvHead * headDim
            if kvHead != packedKVHead {
                packTransposed(k + kvOffset, rows: keys, stride: kvStride, width: headDim,
                               into: keysT, paddedRows: paddedKeys)
                packedKVHead = kvHead
            }
            let rows = min(queryTileRows, queries - first)
            let tile = QueryTile(rows: rows) { q + (first + $0) * qStride + h * headDim }
            scoreRows(tile, keysT: keysT, headDim: headDim, paddedKeys: paddedKeys, scale: scale, into: scores)
            var inverseTotals = SIMD4<Float>()
            for r in 0..<queryTileRows {
                let row = scores + r * paddedKeys
                var maxScore = -Float.infinity
                for s in 0..<keys { maxScore = max(maxScore, row[s]) }
                for s in 0..<keys { row[s] -= maxScore }
                expInPlace(row, count: keys)
                var total: Float = 0
                for s in 0..<keys { total += row[s] }
                inverseTotals[r] = 1 / total
            }
            weightedValues(scores, rowStride: paddedKeys, keys: keys, scales: inverseTotals,
                           values: v + kvOffset, stride: kvStride, headDim: headDim,
                           into: QueryTile(rows: rows) { out + (first + $0) * qStride + h * headDim })
        }
    }
}

/// Four queries of one head worked together, so that every key or value loaded feeds four
/// independent FMA chains; each output is still one chain summed in order, the bits of one query
/// alone. A tile short of four rows repeats its last row (computed, never written out).
private struct QueryTile<Pointer> {
    let rows: Int
    let pointers: (Pointer, Pointer, Pointer, Pointer)

    init(rows: Int, _ row: (Int) -> Pointer) {
        self.rows = rows
        pointers = (row(0), row(min(1, rows - 1)), row(min(2, rows - 1)), row(min(3, rows - 1)))
    }

    subscript(row: Int) -> Pointer {
        switch row {
        case 0: pointers.0
        case 1: pointers.1
        case 2: pointers.2
        default: pointers.3
        }
    }
}

private let queryTileRows = 4

/// destination[d · paddedRows + r] = source[r · stride + d]; rows past `rows` are zero
/// (CKernels/transpose_rows.c: 16 × 16 tiles in registers).
private func packTransposed(_ source: UnsafePointer<Float>, rows: Int, stride: Int, width: Int,
                            into destination: UnsafeMutablePointer<Float>, paddedRows: Int) {
    dscope_transpose_rows(source, Int32(rows), stride, Int32(width), destination, Int32(paddedRows))
}

/// scores[r · paddedKeys + s] = scale · Σ_d query_r[d] · keysT[d][s], sixteen keys per vector, the
/// tile's four queries on each vector of keys loaded.
@inline(__always)
private func scoreRows(_ tile: QueryTile<UnsafePointer<Float>>, keysT: UnsafePointer<Float>, headDim: Int,
                       paddedKeys: Int, scale: Float, into scores: UnsafeMutablePointer<Float>) {
    let raw = UnsafeRawPointer(keysT)
    let out = UnsafeMutableRawPointer(scores)
    let (q0, q1, q2, q3) = tile.pointers
    var s = 0
    while s < paddedKeys {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        for d in 0..<headDim {
            let keys = raw.loadUnaligned(fromByteOffset: (d &* paddedKeys &+ s) &* 4, as: SIMD16<Float>.self)
            a0.addProduct(SIMD16(repeating: q0[d]), keys); a1.addProduct(SIMD16(repeating: q1[d]), keys)
            a2.addProduct(SIMD16(repeating: q2[d]), keys); a3.addProduct(SIMD16(repeating: q3[d]), keys)
        }
        out.storeBytes(of: a0 * scale, toByteOffset: s &* 4, as: SIMD16<Float>.self)
        out.storeBytes(of: a1 * scale, toByteOffset: (paddedKeys &+ s) &* 4, as: SIMD16<Float>.self)
        out.storeBytes(of: a2 * scale, toByteOffset: (2 &* paddedKeys &+ s) &* 4, as: SIMD16<Float>.self)
        out.storeBytes(of: a3 * scale, toByteOffset: (3 &* paddedKeys &+ s) &* 4, as: SIMD16<Float>.self)
        s += 16
    }
}

/// out_r[d] = scales[r] · Σ_s weights[r · rowStride + s] · values[s · stride + d], sixteen dimensions
/// per register accumulator (the sum over keys never goes through memory), the tile's four rows of
/// weights on each vector of values loaded.
@inline(__always)
private func weightedValues(_ weights: UnsafePointer<Float>, rowStride: Int, keys: Int, scales: SIMD4<Float>,
                            values: UnsafePointer<Float>, stride: Int, headDim: Int,
                            into tile: QueryTile<UnsafeMutablePointer<Float>>) {
    let raw = UnsafeRawPointer(values)
    let w0 = weights, w1 = weights + rowStride, w2 = weights + 2 * rowStride, w3 = weights + 3 * rowStride
    @inline(__always) func store(_ row: Int, _ sums: SIMD16<Float>, at d: Int) {
        guard row < tile.rows else { return }
        UnsafeMutableRawPointer(tile[row]).storeBytes(of: sums * scales[row], toByteOffset: d &* 4, as: SIMD16<Float>.self)
    }
    var d = 0
    while d + 16 <= headDim {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        for s in 0..<keys {
            let value = raw.loadUnaligned(fromByteOffset: (s &* stride &+ d) &* 4, as: SIMD16<Float>.self)
            a0.addProduct(SIMD16(repeating: w0[s]), value); a1.addProduct(SIMD16(repeating: w1[s]), value)
            a2.addProduct(SIMD16(repeating: w2[s]), value); a3.addProduct(SIMD16(repeating: w3[s]), value)
        }
        store(0, a0, at: d); store(1, a1, at: d); store(2, a2, at: d); store(3, a3, at: d)
        d += 16
    }
    while d < headDim {
        for r in 0..<tile.rows {
            let row = weights + r * rowStride
            var sum: Float = 0
            for s in 0..<keys { sum += row[s] * values[s &* stride &+ d] }
            tile[r][d] = sum * scales[r]
        }
        d += 1
    }
}
