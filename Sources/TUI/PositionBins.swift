/// Groups generated positions into at most `columns` bins, so a 1024-token canvas still fits a
/// strip or waterfall: one position per column when they fit, contiguous equal runs otherwise.
struct PositionBins {
    let ranges: [Range<Int>]

    init(positions: Int, columns: Int) {
        let count = min(positions, max(0, columns))
        ranges = (0..<count).map { bin in (bin * positions / count)..<((bin + 1) * positions / count) }
    }

    /// Positions per column, for the legend ("1 col = 4 pos").
    var positionsPerColumn: Int { ranges.map(\.count).max() ?? 1 }
}
