/// Steps × positions: each row a step (two per line with `▀`), each column a position, coloured
/// by the position's entropy while it is masked and marked at the step that commits it.
/// Autoregressive order draws a diagonal; confidence order a scatter — the paper's picture.
/// A step that replaced a decoded token (an edit) marks it again, in the notice colour (`*`
/// without colours): a re-commit below the position's first mark.
/// Its last line is the mean entropy of the masked positions at each step, as a sparkline.
public struct WaterfallView: View, Sendable {
    public var snapshot: DecodeSnapshot
    public var palette: Palette

    public static let upperHalf: Character = "▀"
    public static let lowerHalf: Character = "▄"
    /// Commit marker when there is no colour to mark it with.
    public static let commitGlyph: Character = "●"
    /// Edit marker when there is no colour to mark it with.
    public static let editGlyph: Character = "*"

    public init(snapshot: DecodeSnapshot, palette: Palette) {
        self.snapshot = snapshot
        self.palette = palette
    }

    /// The header, a line per two steps so far, and the mean-entropy line.
    public func rowsWanted(width: Int) -> Int {
        1 + (snapshot.history.count + 1) / 2 + 1
    }

    public func render(into screen: inout Screen, in rect: Rect) {
        guard !rect.isEmpty else { return }
        var (header, map) = rect.takingTop(1)
        if map.height >= 4, map.width >= 12 {
            let split = map.takingBottom(1)
            map = split.rest
            renderMeanEntropy(into: &screen, in: split.bottom)
        }
        let bins = PositionBins(positions: snapshot.positions.count, columns: map.width)
        // Pairs start at an even step so a line keeps its two steps while the window slides.
        let pairs = (snapshot.history.count + 1) / 2
        let firstPair = max(0, pairs - map.height)
        for line in 0..<min(map.height, pairs - firstPair) {
            let top = snapshot.history[2 * (firstPair + line)]
            let bottomIndex = 2 * (firstPair + line) + 1
            let bottom = bottomIndex < snapshot.history.count ? snapshot.history[bottomIndex] : nil
            for (column, range) in bins.ranges.enumerated() {
                let (glyph, style) = cell(top: state(of: top, range), bottom: bottom.map { state(of: $0, range) } ?? .empty)
                screen.put(.glyph(Glyph(glyph)), row: map.row + line, column: map.column + column, style: style, clip: map)
            }
        }
        let shownSteps = snapshot.history.isEmpty ? "no steps yet"
            : "steps \(snapshot.history[2 * firstPair].step)–\(snapshot.history.last!.step) ↓"
        // Narrow panes (compare mode) drop whole fields rather than run into the swatch.
        var fields = [TitledRule.Field(text: shownSteps, priority: 0), TitledRule.Field(text: "positions →", priority: 3)]
        if let binning = bins.label(unit: "col") { fields.append(TitledRule.Field(text: binning, priority: 1)) }
        fields.append(TitledRule.Field(text: palette.shadesHeat ? "\(Self.commitGlyph) commit" : "▀ = 2 steps", priority: 2))
        if snapshot.history.contains(where: { !$0.edited.isEmpty }) {
            fields.append(TitledRule.Field(text: palette.shadesHeat ? "\(Self.editGlyph) edit" : "edits: 2nd mark", priority: 2))
        }
        TitledRule(title: "waterfall", fields: fields, reserved: palette.shadesHeat ? 0 : Self.swatchWidth)
            .render(into: &screen, row: header.row, in: header, palette: palette)
        if !palette.shadesHeat {
            legendSwatch(into: &screen, header: header)
        }
    }

    /// `masked mean H ▁▂▄…` over the steps, one glyph per step (the latest when they do not fit), on the
    /// heat scale so heights match the colours above.
    private func renderMeanEntropy(into screen: inout Screen, in rect: Rect) {
        let label = "masked mean H "
        var column = screen.put(label, row: rect.row, column: rect.column, style: palette.style(.border), clip: rect)
        let means = snapshot.history.map { trace -> Double? in
            let masked = trace.maskedEntropyNats.compactMap { $0 }
            return masked.isEmpty ? nil : masked.reduce(0, +) / Double(masked.count)
        }
        let room = max(0, rect.right - column)
        for (mean, glyph) in zip(means.suffix(room), Sparkline.line(means.suffix(room), top: snapshot.entropyScaleNats)) {
            let style = mean.map { palette.shadesHeat ? palette.style(.mask) : palette.style(.heat, at: snapshot.heatFraction($0)) }
                ?? palette.style(.text)
            column = screen.put(.glyph(Glyph(glyph)), row: rect.row, column: column, style: style, clip: rect)
        }
    }

    /// `■ commit ` and the rule's last two dashes.
    static let swatchWidth = 11

    private enum HalfState: Equatable {
        case empty
        case masked(heat: Double)
        case commit
        case edit
    }

    private func state(of trace: StepTrace, _ range: Range<Int>) -> HalfState {
        if range.contains(where: trace.committed.contains) { return .commit }
        if range.contains(where: trace.edited.contains) { return .edit }
        let hottest = range.compactMap { $0 < trace.maskedEntropyNats.count ? trace.maskedEntropyNats[$0] : nil }.max()
        return hottest.map { .masked(heat: snapshot.heatFraction($0)) } ?? .empty
    }

    private func cell(top: HalfState, bottom: HalfState) -> (Character, CellStyle) {
        let background = palette.style(.text)
        if palette.shadesHeat {
            if top == .commit || bottom == .commit { return (Self.commitGlyph, palette.style(.title)) }
            if top == .edit || bottom == .edit { return (Self.editGlyph, palette.style(.notice)) }
            let heat = [top, bottom].compactMap { half -> Double? in
                if case .masked(let heat) = half { return heat }
                return nil
            }.max()
            return heat.map { (Palette.shade($0), palette.style(.mask)) } ?? (" ", background)
        }
        switch (color(of: top), color(of: bottom)) {
        case (nil, nil):
            return (" ", background)
        case (let upper?, nil):
            return (Self.upperHalf, CellStyle(foreground: upper, background: background.background))
        case (nil, let lower?):
            return (Self.lowerHalf, CellStyle(foreground: lower, background: background.background))
        case (let upper?, let lower?):
            return (Self.upperHalf, CellStyle(foreground: upper, background: lower))
        }
    }

    private func color(of half: HalfState) -> TerminalColor? {
        switch half {
        case .empty: return nil
        case .masked(let heat): return palette.style(.heat, at: heat).foreground
        case .commit: return commitColor
        case .edit: return palette.style(.notice).foreground
        }
    }

    /// The commit highlight's background (its most visible colour), else its foreground.
    private var commitColor: TerminalColor {
        let commit = palette.style(.commit)
        return commit.background == .terminalDefault ? commit.foreground : commit.background
    }

    /// Overwrites the rule's end with a coloured `■ commit` key.
    private func legendSwatch(into screen: inout Screen, header: Rect) {
        let key = "■ commit "
        let column = header.right - TextPiece.displayWidth(of: key) - 2
        guard column > header.column + 20 else { return }
        screen.put("■", row: header.row, column: column, style: CellStyle(foreground: commitColor,
                   background: palette.style(.text).background), clip: header)
        screen.put(" commit ", row: header.row, column: column + 1, style: palette.style(.text), clip: header)
    }
}
