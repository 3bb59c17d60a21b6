/// A dot matrix drawn with Unicode braille: each cell holds 2 × 4 dots, so a plot gets twice the
/// columns and four times the rows of its cells.
struct BrailleDots {
    /// In dots.
    let width: Int
    let height: Int
    private var bits: [UInt8]

    init(columns: Int, rows: Int) {
        width = max(0, columns) * 2
        height = max(0, rows) * 4
        bits = Array(repeating: 0, count: max(0, columns) * max(0, rows))
    }

    /// Unicode's dot numbering (1–3 and 7 down the left column, 4–6 and 8 down the right) as bits
    /// of U+2800 + n, indexed by [x % 2][y % 4].
    private static let dotBit: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    mutating func set(x: Int, y: Int) {
        guard (0..<width).contains(x), (0..<height).contains(y) else { return }
        bits[(y / 4) * (width / 2) + x / 2] |= Self.dotBit[x % 2][y % 4]
    }

    /// Bresenham's line between two dots, both ends included.
    mutating func line(from start: (x: Int, y: Int), to end: (x: Int, y: Int)) {
        let dx = abs(end.x - start.x), dy = -abs(end.y - start.y)
        let sx = start.x < end.x ? 1 : -1, sy = start.y < end.y ? 1 : -1
        var error = dx + dy
        var (x, y) = start
        while true {
            set(x: x, y: y)
            if x == end.x && y == end.y { return }
            let doubled = 2 * error
            if doubled >= dy { error += dy; x += sx }
            if doubled <= dx { error += dx; y += sy }
        }
    }

    /// The cell's braille character, nil where no dot is set.
    func character(column: Int, row: Int) -> Character? {
        let value = bits[row * (width / 2) + column]
        return value == 0 ? nil : Character(Unicode.Scalar(0x2800 + UInt32(value))!)
    }
}
