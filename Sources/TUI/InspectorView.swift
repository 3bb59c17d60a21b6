/// The side panel on one position (`i`): its state and the rule that committed it, the token or
/// the current guess, the top candidates of the step's forward with their probabilities, and its
/// entropy at every step as a sparkline with the commit marked; an edited position lists its
/// tokens (the commit, then each edit with its step and probability).
public struct InspectorView: View, Sendable {
    public var inspection: PositionInspection
    /// Top of the sparkline: the heat scale, so heights match the colours.
    public var entropyScaleNats: Double
    public var palette: Palette

    static let barWidth = 8
    static let commitMark: Character = "●"

    public init(inspection: PositionInspection, entropyScaleNats: Double, palette: Palette) {
        self.inspection = inspection
        self.entropyScaleNats = entropyScaleNats
        self.palette = palette
    }

    /// Title, state lines, the candidates, and the sparkline wrapped to `width`.
    public func rowsWanted(width: Int) -> Int {
        let state: Int
        if case .committed = inspection.state { state = 5 } else { state = 2 }
        let candidates = 1 + (inspection.candidates?.count ?? 1)
        let sparkline = 1 + (inspection.entropyBySteps.count + max(1, width - 2) - 1) / max(1, width - 2)
        let history = inspection.tokenHistory.count > 1 ? 1 + inspection.tokenHistory.count + 1 : 0
        return 1 + state + 1 + history + candidates + 1 + sparkline
    }

    public func render(into screen: inout Screen, in rect: Rect) {
        guard !rect.isEmpty else { return }
        screen.fill(rect, style: palette.style(.text))
        let (header, body) = rect.takingTop(1)
        TitledRule(title: "position \(inspection.position)", fields: [TitledRule.Field(text: "Tab moves · i closes", priority: 1)])
            .render(into: &screen, row: header.row, in: header, palette: palette)
        var row = body.row
        func line(_ text: String, _ role: StyleRole = .text) {
            guard row < body.bottom else { return }
            screen.put(text, row: row, column: body.column + 1, style: palette.style(role), clip: body)
            row += 1
        }
        switch inspection.state {
        case .masked(let guess):
            line("masked", .title)
            line("guess " + (guess.map(Self.quoted) ?? "none yet"))
        case let .committed(step, rank, of, rule, order, token, confidence, entropy):
            line("committed at step \(step)", .title)
            line("rank \(rank) of \(of) by \(order)")
            line("rule \(rule)")
            line("token \(Self.quoted(token))")
            line("p \(confidence.fixed(2)) · H \(entropy.fixed(2)) nats")
        }
        row += 1
        if inspection.tokenHistory.count > 1 {
            let edits = inspection.tokenHistory.count - 1
            line("tokens (\(edits) edit\(edits == 1 ? "" : "s"))", .title)
            for event in inspection.tokenHistory {
                line("step \(event.step) \(event.isEdit ? "edit  " : "commit") \(Self.quoted(event.token)) p \(event.probability.fixed(2))")
            }
            row += 1
        }
        if let step = inspection.candidatesStep {
            if let candidates = inspection.candidates, candidates.isEmpty {
                // A block step computes its block's rows only.
                line("step \(step) computed no row here", .title)
            } else if let candidates = inspection.candidates {
                line("top \(candidates.count) at step \(step)", .title)
                for candidate in candidates {
                    let filled = Int((candidate.probability * Double(Self.barWidth)).rounded())
                    let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: Self.barWidth - filled)
                    line("\(candidate.probability.fixed(2)) \(bar) \(Self.quoted(candidate.text))")
                }
            } else {
                line("top 5: not recorded", .title)
                line("(a version 1 transcript)")
            }
        } else {
            line("no step yet: no candidates", .title)
        }
        row += 1
        guard row + 1 < body.bottom, !inspection.entropyBySteps.isEmpty else { return }
        line("entropy by step (\(Self.commitMark) commit)", .title)
        renderSparkline(into: &screen, in: Rect(row: row, column: body.column + 1, width: max(1, body.width - 2),
                                                height: body.bottom - row))
    }

    /// One glyph per step, wrapped; the commit step shows the mark above its height.
    private func renderSparkline(into screen: inout Screen, in rect: Rect) {
        let glyphs = Sparkline.line(inspection.entropyBySteps, top: entropyScaleNats)
        var commitStep: Int?
        if case let .committed(step, _, _, _, _, _, _, _) = inspection.state { commitStep = step }
        // The latest steps matter most: a line too long for the rows keeps its end.
        let capacity = rect.width * rect.height
        let first = max(0, glyphs.count - capacity)
        for (offset, glyph) in glyphs.dropFirst(first).enumerated() {
            let step = first + offset + 1
            let isCommit = step == commitStep
            let heat = inspection.entropyBySteps[step - 1].map { entropyScaleNats > 0 ? $0 / entropyScaleNats : 1 } ?? 0
            screen.put(.glyph(Glyph(isCommit ? Self.commitMark : glyph)), row: rect.row + offset / rect.width,
                       column: rect.column + offset % rect.width,
                       style: isCommit ? palette.style(.commit) : palette.style(.heat, at: heat), clip: rect)
        }
    }

    static func quoted(_ text: TokenText) -> String {
        switch text {
        case .text(let string): return "“\(string)”"
        case .partialUTF8(let bytes): return "bytes " + bytes.map { String($0, radix: 16) }.joined(separator: " ")
        }
    }
}
