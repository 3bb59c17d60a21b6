/// An in-memory grid of cells; views render here so every view is testable as plain text, and a
/// backend (ncurses, asciicast) only ever sends the difference between two frames.
public struct Screen: Equatable, Sendable {
    public let width: Int
    public let height: Int
    private var cells: [Cell]

    public init(width: Int, height: Int, style: CellStyle = .plain) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank(style), count: self.width * self.height)
    }

    public var bounds: Rect { Rect(row: 0, column: 0, width: width, height: height) }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * width + column] }
        set { cells[row * width + column] = newValue }
    }

    /// Writes `text` on one line from (row, column), clipped to `clip` (the whole screen by default);
    /// newlines show as `⏎`. Returns the column after the text, which may lie past the clip.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: CellStyle = .plain,
                             clip: Rect? = nil) -> Int {
        var col = column
        for piece in TextPiece.pieces(of: text, newlines: .visibleMark) {
            col = put(piece, row: row, column: col, style: style, clip: clip)
        }
        return col
    }

    /// Writes one piece of text; a wide glyph that would straddle the clip's right edge leaves a blank.
    @discardableResult
    public mutating func put(_ piece: TextPiece, row: Int, column: Int, style: CellStyle,
                             clip: Rect? = nil) -> Int {
        let area = (clip ?? bounds).intersection(bounds)
        switch piece {
        case .lineBreak:
            return column
        case .combiningMarks(let marks):
            return attach(marks, row: row, before: column, style: style, clip: area)
        case .glyph(let glyph):
            guard area.contains(row: row, column: column) else { return column + glyph.width }
            if glyph.width == 2 && !area.contains(row: row, column: column + 1) {
                set(.blank(style), row: row, column: column)
            } else {
                set(Cell(glyph.character, width: glyph.width, style: style), row: row, column: column)
                if glyph.width == 2 { set(.continuation(style), row: row, column: column + 1) }
            }
            return column + glyph.width
        }
    }

    /// Paints every cell of `rect` blank in `style`.
    public mutating func fill(_ rect: Rect, style: CellStyle) {
        let area = rect.intersection(bounds)
        for row in area.row..<area.bottom {
            for column in area.column..<area.right { set(.blank(style), row: row, column: column) }
        }
    }

    /// The grid as lines of text with trailing blanks removed; wide glyphs appear once.
    public var text: String { rendered { String($0.character) } }

    /// The grid with each lead cell mapped through `describe` (e.g. to show attributes in a test).
    public func rendered(_ describe: (Cell) -> String) -> String {
        (0..<height).map { row in
            var line = ""
            for column in 0..<width where !self[row, column].isContinuation {
                line += describe(self[row, column])
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }

    /// Sets a cell, blanking the other half of any wide glyph it cuts through.
    private mutating func set(_ cell: Cell, row: Int, column: Int) {
        let old = self[row, column]
        if old.isContinuation, column > 0 {
            self[row, column - 1] = .blank(self[row, column - 1].style)
        }
        if old.width == 2, column + 1 < width, cell.width != 2 {
            self[row, column + 1] = .blank(self[row, column + 1].style)
        }
        self[row, column] = cell
    }

    /// Zero-width marks join the character to their left when it is ours to change, else sit on `◌`.
    private mutating func attach(_ marks: String, row: Int, before column: Int, style: CellStyle,
                                 clip: Rect) -> Int {
        var lead = column - 1
        if clip.contains(row: row, column: lead), self[row, lead].isContinuation { lead -= 1 }
        if clip.contains(row: row, column: lead) {
            let combined = String(self[row, lead].character) + marks
            if combined.count == 1, combined.unicodeScalars.count <= Glyph.maxCombiningMarks + 1 {
                self[row, lead].character = Character(combined)
            }
            return column
        }
        if clip.contains(row: row, column: column) {
            set(Cell(Character(String(Glyph.orphanMarkBase) + marks), style: style), row: row, column: column)
        }
        return column + 1
    }
}
