/// A one-line entry box (the new prompt, the step to jump to): the line editor's text with a
/// reverse-video cursor, scrolled sideways so the cursor stays visible.
public struct PromptEntryOverlay: View, Sendable {
    public var editor: LineEditor
    public var palette: Palette
    public var title: String

    public init(editor: LineEditor, palette: Palette, title: String = Self.title) {
        self.editor = editor
        self.palette = palette
        self.title = title
    }

    public static let title = "new prompt (Enter to decode, Esc to cancel)"
    public static let stepTitle = "jump to step (Enter to go, Esc to cancel)"

    /// The one-line box.
    public func rowsWanted(width: Int) -> Int { 3 }

    public func render(into screen: inout Screen, in rect: Rect) {
        let box = rect.centered(width: min(rect.width, title == Self.title ? 72 : 48), height: 3)
        let inner = OverlayBox(title: title).render(into: &screen, in: box, palette: palette)
        guard !inner.isEmpty else { return }
        let widths = editor.text.map { TextPiece.displayWidth(of: String($0)) }
        var first = 0
        while widths[first..<editor.cursor].reduce(0, +) + 1 > inner.width, first < editor.cursor { first += 1 }
        var column = inner.column
        for index in first...editor.text.count {
            let atCursor = index == editor.cursor
            let character = index < editor.text.count ? String(editor.text[index]) : " "
            let style = atCursor ? palette.style(.text).adding(.reverse) : palette.style(.text)
            column = screen.put(character, row: inner.row, column: column, style: style, clip: inner)
            if column >= inner.right { break }
        }
    }
}
