/// A bordered, titled box drawn over the screen; overlays (help, prompt entry) share it.
struct OverlayBox {
    var title: String

    /// Clears the box, draws its border and returns the inner area.
    @discardableResult
    func render(into screen: inout Screen, in rect: Rect, palette: Palette) -> Rect {
        guard rect.width >= 4, rect.height >= 3 else { return Rect(row: rect.row, column: rect.column, width: 0, height: 0) }
        let text = palette.style(.text), border = palette.style(.border)
        screen.fill(rect, style: text)
        let inner = String(repeating: "─", count: rect.width - 2)
        screen.put("┌" + inner + "┐", row: rect.row, column: rect.column, style: border, clip: rect)
        screen.put("└" + inner + "┘", row: rect.bottom - 1, column: rect.column, style: border, clip: rect)
        for row in (rect.row + 1)..<(rect.bottom - 1) {
            screen.put("│", row: row, column: rect.column, style: border, clip: rect)
            screen.put("│", row: row, column: rect.right - 1, style: border, clip: rect)
        }
        let titleArea = Rect(row: rect.row, column: rect.column + 2, width: rect.width - 4, height: 1)
        screen.put(" \(title) ", row: rect.row, column: rect.column + 2, style: palette.style(.title), clip: titleArea)
        return Rect(row: rect.row + 1, column: rect.column + 2, width: rect.width - 4, height: rect.height - 2)
    }
}
