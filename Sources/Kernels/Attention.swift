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
    parallelFor(heads * queries, threads: threads, granularity: max(1, queries / 4)) { range in
        // Keys of one kv head transposed to [headDim × keys]: a score row is then headDim
        // broadcast-FMAs over 16 keys at a time, with no horizontal sums.
        let keysT = UnsafeMutablePointer<Float>.allocate(capacity: headDim * paddedKeys)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: paddedKeys)
        defer { keysT.deallocate(); scores.deallocate() }
        var packedKVHead = -1
        for item in range {
            let h = item / queries, t = item % queries
            let kvHead = h / group, kvOffset = kvHead * headDim
            if kvHead != packedKVHead {
                packTransposed(k + kvOffset, rows: keys, stride: kvStride, width: headDim,
                               into: keysT, paddedRows: paddedKeys)
                packedKVHead = kvHead
            }
            scoreRow(query: q + t * qStride + h * headDim, keysT: keysT, headDim: headDim,
                     paddedKeys: paddedKeys, scale: scale, into: scores)
            var maxScore = -Float.infinity
            for s in 0..<keys { maxScore = max(maxScore, scores[s]) }
            for s in 0..<keys { scores[s] -= maxScore }
            expInPlace(scores, count: keys)
            var total: Float = 0
            for s in 0..<keys { total += scores[s] }
            weightedValues(scores, keys: keys, scale: 1 / total, values: v + kvOffset, stride: kvStride,
                           headDim: headDim, into: out + t * qStride + h * headDim)
        }
    }
}

/// destination[d · paddedRows + r] = source[r · stride + d]; rows past `rows` are zero
/// (CKernels/transpose_rows.c: 16 × 16 tiles in registers).
private func packTransposed(_ source: UnsafePointer<Float>, rows: Int, stride: Int, width: Int,
                            into destination: UnsafeMutablePointer<Float>, paddedRows: Int) {
    dscope_transpose_rows(source, Int32(rows), stride, Int32(width), destination, Int32(paddedRows))
}

/// scores[s] = scale · Σ_d query[d] · keysT[d][s], sixteen keys per vector. Four vectors of keys
/// at a time: four independent FMA chains (one would wait on its own latency at every d), each
/// summed over d in order, so the bits are those of one chain per vector.
@inline(__always)
private func scoreRow(query: UnsafePointer<Float>, keysT: UnsafePointer<Float>, headDim: Int,
                      paddedKeys: Int, scale: Float, into scores: UnsafeMutablePointer<Float>) {
    let raw = UnsafeRawPointer(keysT)
    let out = UnsafeMutableRawPointer(scores)
    @inline(__always) func keys(_ d: Int, _ s: Int) -> SIMD16<Float> {
        raw.loadUnaligned(fromByteOffset: (d &* paddedKeys &+ s) &* 4, as: SIMD16<Float>.self)
    }
    var s = 0
    while s + 64 <= paddedKeys {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        for d in 0..<headDim {
            let q = SIMD16(repeating: query[d])
            a0.addProduct(q, keys(d, s)); a1.addProduct(q, keys(d, s &+ 16))
            a2.addProduct(q, keys(d, s &+ 32)); a3.addProduct(q, keys(d, s &+ 48))
        }
        out.storeBytes(of: a0 * scale, toByteOffset: s * 4, as: SIMD16<Float>.self)
        out.storeBytes(of: a1 * scale, toByteOffset: (s + 16) * 4, as: SIMD16<Float>.self)
        out.storeBytes(of: a2 * scale, toByteOffset: (s + 32) * 4, as: SIMD16<Float>.self)
        out.storeBytes(of: a3 * scale, toByteOffset: (s + 48) * 4, as: SIMD16<Float>.self)
        s += 64
    }
    while s < paddedKeys {
        var acc = SIMD16<Float>()
        for d in 0..<headDim { acc.addProduct(SIMD16(repeating: query[d]), keys(d, s)) }
        out.storeBytes(of: acc * scale, toByteOffset: s * 4, as: SIMD16<Float>.self)
        s += 16
    }
}

/// out[d] = scale · Σ_s weights[s] · values[s · stride + d], sixteen dimensions per register
/// accumulator so the sum over keys never goes through memory.
@inline(__always)
private func weightedValues(_ weights: UnsafePointer<Float>, keys: Int, scale: Float,
                            values: UnsafePointer<Float>, stride: Int, headDim: Int,
                            into out: UnsafeMutablePointer<Float>) {
    let raw = UnsafeRawPointer(values)
    let destination = UnsafeMutableRawPointer(out)
    @inline(__always) func value(_ s: Int, _ d: Int) -> SIMD16<Float> {
        raw.loadUnaligned(fromByteOffset: (s &* stride &+ d) &* 4, as: SIMD16<Float>.self)
    }
    var d = 0
    // 64 dimensions at a time: four independent chains, and each key's values read as one run
    // (one at a time, the chain waited on its latency and every load was a new cache line).
    while d + 64 <= headDim {
        var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
        for s in 0..<keys {
            let weight = SIMD16(repeating: weights[s])
            a0.addProduct(weight, value(s, d)); a1.addProduct(weight, value(s, d &+ 16))
            a2.addProduct(weight, value(s, d &+ 32)); a3.addProduct(weight, value(s, d &+ 48))
        }
        destination.storeBytes(of: a0 * scale, toByteOffset: d * 4, as: SIMD16<Float>.self)
        destination.storeBytes(of: a1 * scale, toByteOffset: (d + 16) * 4, as: SIMD16<Float>.self)
        destination.storeBytes(of: a2 * scale, toByteOffset: (d + 32) * 4, as: SIMD16<Float>.self)
        destination.storeBytes(of: a3 * scale, toByteOffset: (d + 48) * 4, as: SIMD16<Float>.self)
        d += 64
    }
    while d + 16 <= headDim {
        var acc = SIMD16<Float>()
        for s in 0..<keys { acc.addProduct(SIMD16(repeating: weights[s]), value(s, d)) }
        destination.storeBytes(of: acc * scale, toByteOffset: d * 4, as: SIMD16<Float>.self)
        d += 16
    }
    while d < headDim {
        var sum: Float = 0
        for s in 0..<keys { sum += weights[s] * values[s &* stride &+ d] }
        out[d] = sum * scale
        d += 1
    }
}
