/// A histogram as horizontal bars, one row per bin: `0.00–0.25 │███████▍ 612`. Bars grow in
/// eighths of a cell; histograms drawn with the same `scaleCount` are comparable by length.
public struct HistogramView: View, Sendable {
    public var edges: [Double]
    public var counts: [Int]
    /// The count a full-width bar stands for; default the largest count.
    public var scaleCount: Int?

    public init(edges: [Double], counts: [Int], scaleCount: Int? = nil) {
        precondition(edges.count == counts.count + 1, "one more edge than bins")
        self.edges = edges
        self.counts = counts
        self.scaleCount = scaleCount
    }

    private static let eighths: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]

    public func rowsWanted(width: Int) -> Int { counts.count }

    public func render(into screen: inout Screen, in rect: Rect) {
        let labels = counts.indices.map { "\(edges[$0].fixed(2))–\(edges[$0 + 1].fixed(2))" }
        let labelWidth = labels.map(\.count).max() ?? 0
        let countWidth = counts.map { String($0).count }.max() ?? 1
        let barWidth = max(1, rect.width - labelWidth - 3 - countWidth - 1)
        let scale = max(1, scaleCount ?? counts.max() ?? 1)
        for (bin, count) in counts.enumerated() where bin < rect.height {
            let row = rect.row + bin
            let label = String(repeating: " ", count: labelWidth - labels[bin].count) + labels[bin] + " │"
            var column = screen.put(label, row: row, column: rect.column, clip: rect)
            let eighthCells = Int((Double(min(count, scale)) / Double(scale) * Double(barWidth * 8)).rounded())
            var bar = String(repeating: "█", count: eighthCells / 8)
            if eighthCells % 8 > 0 { bar.append(Self.eighths[eighthCells % 8 - 1]) }
            if count > 0 && bar.isEmpty { bar = String(Self.eighths[0]) }
            column = screen.put(bar, row: row, column: column, clip: rect)
            screen.put(" \(count)", row: row, column: column, clip: rect)
        }
    }
}
