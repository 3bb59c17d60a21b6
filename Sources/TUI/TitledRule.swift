/// A horizontal rule with a title in it (`── canvas ─────`): how panes are separated and named.
struct TitledRule {
    var title: String
    var detail: String = ""

    func render(into screen: inout Screen, row: Int, in rect: Rect, palette: Palette) {
        let line = Rect(row: row, column: rect.column, width: rect.width, height: 1)
        let border = palette.style(.border)
        var column = screen.put("── ", row: row, column: rect.column, style: border, clip: line)
        column = screen.put(title, row: row, column: column, style: palette.style(.title), clip: line)
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
