/// The current entropy of every still-masked position as a strip of cells in position order,
/// under a legend with the scale; decoded positions show as `·`. Without colour, where the canvas
/// can only dim or embolden its tokens, decoded positions show the colour measure (`v`) as a
/// height ramp `▁…█` instead, so the measure stays readable.
public struct HeatStripView: View, Sendable {
    public var snapshot: DecodeSnapshot
    public var palette: Palette
    /// What decoded positions show in monochrome; nil keeps `·`.
    public var measure: ColorMeasure?

    public static let heatGlyph: Character = "█"
    public static let decodedGlyph: Character = "·"

    public init(snapshot: DecodeSnapshot, palette: Palette, measure: ColorMeasure? = nil) {
        self.snapshot = snapshot
        self.palette = palette
        self.measure = measure
    }

    private var rampsMeasure: Bool { palette.mode == .monochrome && measure != nil }


    /// The legend and the strip rows that give each position its own cell at `width` (the layout
    /// caps it).
    public func rowsWanted(width: Int) -> Int {
        1 + (width > 0 ? max(1, (snapshot.positions.count + width - 1) / width) : 1)
    }

    public func render(into screen: inout Screen, in rect: Rect) {
        guard !rect.isEmpty else { return }
        let (legendRow, strip) = rect.takingTop(1)
        let bins = PositionBins(positions: snapshot.positions.count, columns: strip.width * strip.height)
        renderLegend(into: &screen, in: legendRow, binning: bins.label(unit: "cell"))
        for (index, range) in bins.ranges.enumerated() {
            let row = strip.row + index / strip.width, column = strip.column + index % strip.width
            let (glyph, style) = cell(for: range)
            screen.put(.glyph(Glyph(glyph)), row: row, column: column, style: style, clip: strip)
        }
    }

    private func cell(for range: Range<Int>) -> (Character, CellStyle) {
        var hottest: Double?
        var anyMasked = false
        for index in range {
            if case .masked(let entropy, _) = snapshot.positions[index] {
                anyMasked = true
                if let entropy { hottest = max(hottest ?? entropy, entropy) }
            }
        }
        guard anyMasked else {
            guard rampsMeasure, let measure else { return (Self.decodedGlyph, palette.style(.border)) }
            // A bin shows its highest value, as masks show their hottest.
            let highest = range.compactMap { index -> Double? in
                guard case .decoded(let token) = snapshot.positions[index] else { return nil }
                return measure.position(of: token, in: snapshot).1
            }.max() ?? 0
            return (Sparkline.glyph(highest), palette.style(.text))
        }
        guard let hottest else { return (CanvasView.maskGlyph, palette.style(.mask)) }
        let heat = snapshot.heatFraction(hottest)
        if palette.shadesHeat { return (Palette.shade(heat), palette.style(.mask)) }
        return (Self.heatGlyph, palette.style(.heat, at: heat))
    }

    private func renderLegend(into screen: inout Screen, in rect: Rect, binning: String?) {
        let text = palette.style(.text), border = palette.style(.border)
        var column = screen.put("── ", row: rect.row, column: rect.column, style: border, clip: rect)
        column = screen.put("entropy", row: rect.row, column: column, style: palette.style(.title), clip: rect)
        column = screen.put(" 0 ", row: rect.row, column: column, style: text, clip: rect)
        let swatches = palette.shadesHeat ? 4 : 8
        for step in 0..<swatches {
            let fraction = Double(step) / Double(swatches - 1)
            let glyph = palette.shadesHeat ? Palette.shade(fraction) : Self.heatGlyph
            let style = palette.shadesHeat ? palette.style(.mask) : palette.style(.heat, at: fraction)
            column = screen.put(.glyph(Glyph(glyph)), row: rect.row, column: column, style: style, clip: rect)
        }
        let masked = snapshot.positions.compactMap { position -> Double? in
            if case .masked(let entropy, _) = position { return entropy ?? .nan }
            return nil
        }
        let known = masked.filter { !$0.isNaN }
        var fields = [TitledRule.Field(text: "\(snapshot.entropyScaleNats.fixed(1)) nats (\(snapshot.entropyScale.label))", priority: 0),
                      TitledRule.Field(text: "\(masked.count) masked", priority: 1)]
        if let top = known.max() {
            fields.append(TitledRule.Field(text: "mean \((known.reduce(0, +) / Double(known.count)).fixed(2))", priority: 2))
            fields.append(TitledRule.Field(text: "max \(top.fixed(2))", priority: 3))
        }
        if let binning { fields.append(TitledRule.Field(text: binning, priority: 1)) }
        if rampsMeasure, let measure { fields.append(TitledRule.Field(text: "decoded ▁…█ \(measure.label)", priority: 2)) }
        // Whole fields drop when the row is narrow; a number is never cut.
        let room = rect.right - column
        let kept = TitledRule(title: "", fields: fields).fitted(width: room + TextPiece.displayWidth(of: "── "))
        let summary = " " + kept.map(\.text).joined(separator: TitledRule.separator)
        column = screen.put(summary, row: rect.row, column: column, style: text, clip: rect)
        column = screen.put(" ", row: rect.row, column: column, style: border, clip: rect)
        if column < rect.right {
            screen.put(String(repeating: "─", count: rect.right - column), row: rect.row, column: column,
                       style: border, clip: rect)
        }
    }
}
