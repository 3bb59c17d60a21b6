/// The `k` largest values of a row and their indices, largest first (ties to the lower index).
/// One pass: sixteen lanes at a time are compared with the current k-th value, and only a chunk
/// holding something larger is looked at one by one, so a 126k-wide LLaDA row costs little more
/// than reading it.
public func topCandidates(_ row: UnsafeBufferPointer<Float>, k: Int) -> [(index: Int, value: Float)] {
    guard k > 0, let base = row.baseAddress else { return [] }
    var best: [(index: Int, value: Float)] = []
    best.reserveCapacity(k + 1)
    var threshold = -Float.infinity
    func offer(_ index: Int) {
        let value = row[index]
        guard best.count < k || value > threshold, !value.isNaN else { return }
        let at = best.firstIndex { value > $0.value } ?? best.count
        best.insert((index, value), at: at)
        if best.count > k { best.removeLast() }
        if best.count == k { threshold = best[k - 1].value }
    }
    let raw = UnsafeRawPointer(base)
    let whole = row.count / 16 * 16
    var i = 0
    while i < whole {
        let chunk = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        if best.count < k || any(chunk .> SIMD16(repeating: threshold)) {
            for j in i..<(i + 16) { offer(j) }
        }
        i += 16
    }
    for j in whole..<row.count { offer(j) }
    return best
}
