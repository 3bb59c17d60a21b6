/// A horizontal rule with a title in it (`── canvas  a · b ─────`): how panes are separated and
/// named. Fields that do not fit are dropped whole, least important first, so a narrow pane never
/// shows a cut number ("masks 5" for 52).
struct TitledRule {
    struct Field: Equatable {
        var text: String
        /// Lower numbers survive longer.
        var priority = 0
    }

    var title: String
    var fields: [Field]
    /// Columns kept free at the rule's end (for a swatch drawn over it).
    var reserved = 0

    static let separator = " · "

    init(title: String, detail: String = "") {
        self.title = title
        fields = detail.isEmpty ? [] : [Field(text: detail)]
    }

    init(title: String, fields: [Field], reserved: Int = 0) {
        self.title = title
        self.fields = fields
        self.reserved = reserved
    }

    /// The fields kept at `width`: `── title  a · b ` and at least two dashes must fit.
    func fitted(width: Int) -> [Field] {
        var kept = fields
        func used(_ fields: [Field]) -> Int {
            let detail = fields.map(\.text).joined(separator: Self.separator)
            return TextPiece.displayWidth(of: "── \(title)" + (detail.isEmpty ? "" : "  " + detail) + " ──")
        }
        while !kept.isEmpty, used(kept) > width - reserved {
            let worst = kept.map(\.priority).max()!
            kept.remove(at: kept.lastIndex { $0.priority == worst }!)
        }
        return kept
    }

    func render(into screen: inout Screen, row: Int, in rect: Rect, palette: Palette) {
        let line = Rect(row: row, column: rect.column, width: rect.width, height: 1)
        let border = palette.style(.border)
        var column = screen.put("── ", row: row, column: rect.column, style: border, clip: line)
        column = screen.put(title, row: row, column: column, style: palette.style(.title), clip: line)
        let detail = fitted(width: rect.width).map(\.text).joined(separator: Self.separator)
        if !detail.isEmpty {
            column = screen.put("  " + detail, row: row, column: column, style: palette.style(.text), clip: line)
        }
        column = screen.put(" ", row: row, column: column, style: border, clip: line)
        if column < rect.right {
            screen.put(String(repeating: "─", count: rect.right - column), row: row, column: column,
                       style: border, clip: line)
        }
    }
}
