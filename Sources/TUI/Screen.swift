/// One terminal cell: what views draw into before any backend sees it.
public struct Cell: Equatable, Sendable {
    public var character: Character
    public init(_ character: Character = " ") { self.character = character }
}

/// An in-memory grid of cells; views render here so every view is testable as plain text.
public struct Screen: Equatable, Sendable {
    public let width: Int
    public let height: Int
    private var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Cell(), count: self.width * self.height)
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * width + column] }
        set { cells[row * width + column] = newValue }
    }

    /// Writes `text` from (row, column), clipped at the right edge; returns the column after it.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int) -> Int {
        guard row >= 0, row < height else { return column }
        var col = column
        for ch in text where col < width {
            if col >= 0 { self[row, col] = Cell(ch) }
            col += 1
        }
        return col
    }

    /// The grid as lines of text with trailing blanks removed.
    public var text: String {
        (0..<height).map { row in
            var line = String((0..<width).map { self[row, $0].character })
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n")
    }
}
