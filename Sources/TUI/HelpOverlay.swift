/// Every key and what it does, generated from the key map so it cannot fall out of date.
/// Entries go into two columns when one does not fit the height.
public struct HelpOverlay: View, Sendable {
    public var keyMap: KeyMap
    public var palette: Palette

    public init(keyMap: KeyMap = .standard, palette: Palette) {
        self.keyMap = keyMap
        self.palette = palette
    }

    public static let title = "keys (Esc or ? to close)"
    static let columnGap = 3

    /// The help lines: the keys of a binding, and what they do.
    public var entries: [(keys: String, help: String)] {
        keyMap.bindings.map { binding in (binding.keys.map(\.label).joined(separator: " "), binding.help) }
    }

    /// Its box in one column of keys (it takes two when the screen is shorter).
    public func rowsWanted(width: Int) -> Int { entries.count + 2 + 2 }

    public func render(into screen: inout Screen, in rect: Rect) {
        let entries = entries
        let keyWidth = entries.map { TextPiece.displayWidth(of: $0.keys) }.max() ?? 0
        let entryWidth = keyWidth + 2 + (entries.map { TextPiece.displayWidth(of: $0.help) }.max() ?? 0)
        let note = KeyMap.branchNote
        let footer = 2
        let columns = entries.count + footer + 2 <= rect.height || rect.width < 2 * entryWidth + Self.columnGap + 4 ? 1 : 2
        let rows = (entries.count + columns - 1) / columns
        let bodyWidth = max(columns * entryWidth + (columns - 1) * Self.columnGap, TextPiece.displayWidth(of: note))
        let box = rect.centered(width: bodyWidth + 4, height: rows + footer + 2)
        let inner = OverlayBox(title: Self.title).render(into: &screen, in: box, palette: palette)
        guard !inner.isEmpty else { return }
        let shownRows = min(rows, inner.height - footer)
        for (index, entry) in entries.enumerated() {
            let row = inner.row + index % rows, column = inner.column + (index / rows) * (entryWidth + Self.columnGap)
            guard index % rows < shownRows else { continue }
            screen.put(entry.keys, row: row, column: column, style: palette.style(.title), clip: inner)
            screen.put(entry.help, row: row, column: column + keyWidth + 2, style: palette.style(.text), clip: inner)
        }
        let noteRow = shownRows < rows ? inner.bottom - 1 : inner.row + rows + 1
        let shownNote = shownRows < rows ? "… more: enlarge the terminal" : note
        screen.put(shownNote, row: noteRow, column: inner.column, style: palette.style(.notice), clip: inner)
    }
}
