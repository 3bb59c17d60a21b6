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
    parallelFor(heads * queries, threads: threads, granularity: max(1, queries / 4)) { range in
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: keys)
        defer { scores.deallocate() }
        for item in range {
            let h = item / queries, t = item % queries
            let kvOffset = (h / group) * headDim
            let query = q + t * qStride + h * headDim
            var maxScore = -Float.infinity
            for s in 0..<keys {
                let score = dot(query, k + s * kvStride + kvOffset, count: headDim) * scale
                scores[s] = score
                maxScore = max(maxScore, score)
            }
            for s in 0..<keys { scores[s] -= maxScore }
            expInPlace(scores, count: keys)
            var total: Float = 0
            for s in 0..<keys { total += scores[s] }
            let destination = out + t * qStride + h * headDim
            destination.update(repeating: 0, count: headDim)
            let inverse = 1 / total
            for s in 0..<keys {
                addScaled(v + s * kvStride + kvOffset, scores[s] * inverse, into: destination,
                          count: headDim)
            }
        }
    }
}
