import Foundation

/// Lines through data points in braille, one marker per series at its points (where points of
/// two series share a cell, the later series' marker shows), a y axis with labels, an x axis with
/// ticks at the given values, and a legend:
///
///     1.00 ┤          ■⠤⠤⠤■
///          │     ■⠒⠒⠉
///     0.50 ┤  ●⠤⠤⠤⠤⠤⠤⠤⠤●
///     0.00 ┤●⠊
///          └┬──┬──┬──┬──┬
///           1  2  4  8  16  k
///          ● ar  ■ confidence
public struct LinePlot: View, Sendable {
    public struct Series: Sendable {
        public var label: String
        public var points: [(x: Double, y: Double)]
        public var marker: Character
        public var style: CellStyle

        public init(label: String, points: [(x: Double, y: Double)], marker: Character, style: CellStyle = .plain) {
            self.label = label
            self.points = points.sorted { $0.x < $1.x }
            self.marker = marker
            self.style = style
        }
    }

    public enum Scale: Sendable {
        case linear
        /// For doubling x values such as k = 1, 2, 4, 8, 16; x must be positive.
        case log2
    }

    /// Markers in the order series are given, distinct without colour.
    public static let markers: [Character] = ["●", "■", "▲", "◆", "○", "□", "△", "◇"]

    public var series: [Series]
    public var xScale: Scale
    public var xLabel: String
    /// Where the x axis gets ticks and labels; default every data x.
    public var xTicks: [Double]?
    /// Default: the data's range.
    public var yRange: ClosedRange<Double>?
    /// Plot rows (the axes and the legend add three).
    public var plotRows: Int

    public init(series: [Series], xScale: Scale = .linear, xLabel: String = "", xTicks: [Double]? = nil,
                yRange: ClosedRange<Double>? = nil, plotRows: Int = 13) {
        self.series = series
        self.xScale = xScale
        self.xLabel = xLabel
        self.xTicks = xTicks
        self.yRange = yRange
        self.plotRows = plotRows
    }

    public func rowsWanted(width: Int) -> Int { plotRows + 3 }

    public func render(into screen: inout Screen, in rect: Rect) {
        let ys = yBounds, ticks = xTickValues
        let yLabels = yTickRows.map { ($0, (ys.upperBound - Double($0) / Double(max(1, plotRows - 1)) * (ys.upperBound - ys.lowerBound)).fixed(2)) }
        let gutter = (yLabels.map(\.1.count).max() ?? 0) + 1
        let lastTickWidth = ticks.last.map { Self.label($0).count } ?? 1
        let area = Rect(row: rect.row, column: rect.column + gutter + 1,
                        width: rect.width - gutter - 1 - max(0, lastTickWidth - 1) - (xLabel.isEmpty ? 0 : xLabel.count + 2),
                        height: min(plotRows, rect.height))
        guard area.width >= 2, area.height >= 1 else { return }

        for row in 0..<area.height {
            let label = yLabels.first { $0.0 == row }?.1
            let text = (label.map { String(repeating: " ", count: gutter - 1 - $0.count) + $0 + " " } ?? String(repeating: " ", count: gutter))
            screen.put(text + (label == nil ? "│" : "┤"), row: area.row + row, column: rect.column, clip: rect)
        }
        drawSeries(into: &screen, area: area, ys: ys)

        let axisRow = area.bottom, labelRow = area.bottom + 1
        guard axisRow < rect.bottom else { return }
        screen.put(String(repeating: " ", count: gutter) + "└" + String(repeating: "─", count: area.width),
                   row: axisRow, column: rect.column, clip: rect)
        var free = area.column
        // The last tick (the range's end) always gets its label: a crowded label before it yields.
        let lastColumn = ticks.last.map { area.column + cellColumn(dotX($0, area: area)) }
        for (index, tick) in ticks.enumerated() {
            let column = area.column + cellColumn(dotX(tick, area: area))
            screen.put("┬", row: axisRow, column: column, clip: rect)
            let label = Self.label(tick)
            let isLast = index == ticks.count - 1
            let crowdsLast = !isLast && lastColumn.map { column + label.count + 1 > $0 } ?? false
            guard labelRow < rect.bottom, column >= free || isLast, !crowdsLast else { continue }
            free = screen.put(label, row: labelRow, column: column, clip: rect) + 1
        }
        if !xLabel.isEmpty, labelRow < rect.bottom {
            screen.put(xLabel, row: labelRow, column: max(free + 1, area.right + lastTickWidth + 1), clip: rect)
        }
        guard labelRow + 1 < rect.bottom else { return }
        var column = area.column
        for line in series {
            column = screen.put(String(line.marker), row: labelRow + 1, column: column, style: line.style, clip: rect)
            column = screen.put(" \(line.label)  ", row: labelRow + 1, column: column, clip: rect)
        }
    }

    private func drawSeries(into screen: inout Screen, area: Rect, ys: ClosedRange<Double>) {
        var markers: [Int: (Character, CellStyle)] = [:]
        for line in series {
            var dots = BrailleDots(columns: area.width, rows: area.height)
            let placed = line.points.map { (x: dotX($0.x, area: area), y: dotY($0.y, ys: ys, area: area)) }
            for (from, to) in zip(placed, placed.dropFirst()) { dots.line(from: from, to: to) }
            if placed.count == 1 { dots.set(x: placed[0].x, y: placed[0].y) }
            for row in 0..<area.height {
                for column in 0..<area.width {
                    if let glyph = dots.character(column: column, row: row) {
                        screen.put(.glyph(Glyph(glyph)), row: area.row + row, column: area.column + column, style: line.style, clip: area)
                    }
                }
            }
            for dot in placed { markers[(dot.y / 4) * area.width + cellColumn(dot.x)] = (line.marker, line.style) }
        }
        for (cell, marker) in markers {
            screen.put(.glyph(Glyph(marker.0)), row: area.row + cell / area.width, column: area.column + cell % area.width,
                       style: marker.1, clip: area)
        }
    }

    private var yBounds: ClosedRange<Double> {
        if let yRange, yRange.upperBound > yRange.lowerBound { return yRange }
        let values = series.flatMap { $0.points.map(\.y) }
        let low = values.min() ?? 0, high = values.max() ?? 1
        return high > low ? low...high : (low - 0.5)...(low + 0.5)
    }

    private var xTickValues: [Double] {
        xTicks ?? Array(Set(series.flatMap { $0.points.map(\.x) })).sorted()
    }

    /// Rows with a y label: the top, the bottom, and evenly spaced rows about three apart between
    /// (13 plot rows label 0, ¼, ½, ¾ and 1 of the range).
    private var yTickRows: [Int] {
        let last = plotRows - 1
        guard last > 0 else { return [0] }
        let intervals = max(1, last / 3)
        return Array(Set((0...intervals).map { Int((Double($0 * last) / Double(intervals)).rounded()) })).sorted()
    }

    private func position(_ x: Double) -> Double {
        switch xScale {
        case .linear: return x
        case .log2: return Foundation.log2(max(x, .leastNormalMagnitude))
        }
    }

    private func dotX(_ x: Double, area: Rect) -> Int {
        let all = xTickValues + series.flatMap { $0.points.map(\.x) }
        let low = position(all.min() ?? 0), high = position(all.max() ?? 1)
        let fraction = high > low ? (position(x) - low) / (high - low) : 0.5
        return Int((fraction * Double(area.width * 2 - 1)).rounded())
    }

    private func dotY(_ y: Double, ys: ClosedRange<Double>, area: Rect) -> Int {
        let fraction = (min(max(y, ys.lowerBound), ys.upperBound) - ys.lowerBound) / (ys.upperBound - ys.lowerBound)
        return Int(((1 - fraction) * Double(area.height * 4 - 1)).rounded())
    }

    private func cellColumn(_ dotX: Int) -> Int { dotX / 2 }

    /// "16", "1.37", "0.5": whole numbers without decimals, others to two places.
    static func label(_ value: Double) -> String {
        if value == value.rounded() && abs(value) < 1e9 { return String(Int(value)) }
        var text = value.fixed(2)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
