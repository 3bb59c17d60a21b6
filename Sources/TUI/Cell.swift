/// One terminal cell: what views draw into before any backend sees it.
///
/// A wide glyph (CJK, most emoji) occupies a lead cell of width 2 followed by a continuation cell
/// of width 0, so that column arithmetic in views matches what the terminal will show.
public struct Cell: Hashable, Sendable {
    /// One grapheme: a base character with at most `Glyph.maxCombiningMarks` zero-width marks.
    public var character: Character
    /// Columns this cell starts: 1, 2 for a wide lead, 0 for the continuation of a wide glyph.
    public var width: Int
    public var style: CellStyle

    public init(_ character: Character = " ", width: Int = 1, style: CellStyle = .plain) {
        self.character = character
        self.width = width
        self.style = style
    }

    public static func blank(_ style: CellStyle = .plain) -> Cell { Cell(" ", style: style) }

    public static func continuation(_ style: CellStyle) -> Cell { Cell(" ", width: 0, style: style) }

    public var isContinuation: Bool { width == 0 }
}
