/// Columns of text under a header and a rule, padded to the widest cell.
public struct TextTable: View, Sendable {
    public enum Alignment: Sendable { case left, right }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment

        public init(_ title: String, _ alignment: Alignment = .right) {
            self.title = title
            self.alignment = alignment
        }
    }

    public var columns: [Column]
    public var rows: [[String]]
    public var separator = "  "

    public init(columns: [Column], rows: [[String]]) {
        self.columns = columns
        self.rows = rows
    }

    public func rowsWanted(width: Int) -> Int { rows.count + 2 }

    public func render(into screen: inout Screen, in rect: Rect) {
        for (index, line) in lines().enumerated() where index < rect.height {
            screen.put(line, row: rect.row + index, column: rect.column, clip: rect)
        }
    }

    /// Header, rule, rows; cells beyond the columns are dropped, missing ones left blank.
    public func lines() -> [String] {
        let widths = columns.indices.map { index in
            ([columns[index].title] + rows.map { index < $0.count ? $0[index] : "" }).map(TextPiece.displayWidth).max() ?? 0
        }
        func line(_ cells: [String]) -> String {
            var text = columns.indices.map { index -> String in
                let cell = index < cells.count ? cells[index] : ""
                let padding = String(repeating: " ", count: widths[index] - TextPiece.displayWidth(of: cell))
                return columns[index].alignment == .left ? cell + padding : padding + cell
            }.joined(separator: separator)
            while text.last == " " { text.removeLast() }
            return text
        }
        let ruleWidth = widths.reduce(0, +) + separator.count * max(0, widths.count - 1)
        return [line(columns.map(\.title)), String(repeating: "─", count: ruleWidth)] + rows.map(line)
    }
}
