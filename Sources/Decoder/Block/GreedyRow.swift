import Foundation

/// Temperature 0 on one logits row, as the block-diffusion loops take it: the argmax (the first
/// of equal maxima, like torch.argmax) and its softmax probability; entropy on demand.
struct GreedyRow {
    let token: Int
    let probability: Float
    private let row: ArraySlice<Float>
    private let largest: Double
    private let total: Double

    init(_ row: ArraySlice<Float>) {
        var best = row.startIndex
        for i in row.indices where row[i] > row[best] { best = i }
        let largest = Double(row[best])
        var total = 0.0
        for value in row { total += Foundation.exp(Double(value) - largest) }
        self.row = row
        self.largest = largest
        self.total = total
        token = best - row.startIndex
        probability = Float(1 / total)
    }

    /// −Σ p log p in nats, p clamped at 1e-12 inside the log (SDAR's entropy_bounded).
    var entropy: Double {
        var h = 0.0
        for value in row {
            let p = Foundation.exp(Double(value) - largest) / total
            h -= p * Foundation.log(max(p, 1e-12))
        }
        return h
    }
}

/// B spread over `steps`, the remainder one each on the first steps (SDAR's
/// get_num_transfer_tokens, LLaDA2's scheduler).
func transferCounts(blockLength: Int, steps: Int) -> [Int] {
    (0..<steps).map { blockLength / steps + ($0 < blockLength % steps ? 1 : 0) }
}
