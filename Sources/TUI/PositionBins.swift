/// Groups generated positions into at most `columns` bins, so a 1024-token canvas still fits a
/// strip or waterfall: one position per column when they fit, contiguous runs otherwise (as
/// equal as the counts allow: 320 positions on 240 columns give runs of 1 and 2).
struct PositionBins {
    let ranges: [Range<Int>]

    init(positions: Int, columns: Int) {
        let count = min(positions, max(0, columns))
        ranges = (0..<count).map { bin in (bin * positions / count)..<((bin + 1) * positions / count) }
    }

    /// Positions per column, the widest bin.
    var positionsPerColumn: Int { ranges.map(\.count).max() ?? 1 }

    /// What a legend says about the binning, exactly and briefly (narrow compare panes keep it):
    /// nil when every position has its own `unit`, "1 col = 4 pos" when the bins are equal, else
    /// "1–2 pos/col" (320 positions on 240 columns).
    func label(unit: String) -> String? {
        let sizes = ranges.map(\.count)
        guard let widest = sizes.max(), let narrowest = sizes.min(), widest > 1 else { return nil }
        if widest == narrowest { return "1 \(unit) = \(widest) pos" }
        return "\(narrowest)–\(widest) pos/\(unit)"
    }
}
