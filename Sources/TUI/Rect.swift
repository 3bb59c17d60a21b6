/// A rectangle of the screen in cells; views draw only inside the one they are given.
public struct Rect: Hashable, Sendable {
    public var row: Int
    public var column: Int
    public var width: Int
    public var height: Int

    public init(row: Int, column: Int, width: Int, height: Int) {
        self.row = row
        self.column = column
        self.width = max(0, width)
        self.height = max(0, height)
    }

    public var bottom: Int { row + height }
    public var right: Int { column + width }
    public var isEmpty: Bool { width == 0 || height == 0 }

    public func contains(row r: Int, column c: Int) -> Bool {
        r >= row && r < bottom && c >= column && c < right
    }

    public func intersection(_ other: Rect) -> Rect {
        let top = max(row, other.row), left = max(column, other.column)
        return Rect(row: top, column: left, width: min(right, other.right) - left,
                    height: min(bottom, other.bottom) - top)
    }

    /// Splits off `count` rows from the top; the remainder keeps the rest.
    public func takingTop(_ count: Int) -> (top: Rect, rest: Rect) {
        let n = min(max(0, count), height)
        return (Rect(row: row, column: column, width: width, height: n),
                Rect(row: row + n, column: column, width: width, height: height - n))
    }

    /// Splits off `count` rows from the bottom; the remainder keeps the rest.
    public func takingBottom(_ count: Int) -> (rest: Rect, bottom: Rect) {
        let n = min(max(0, count), height)
        return (Rect(row: row, column: column, width: width, height: height - n),
                Rect(row: bottom - n, column: column, width: width, height: n))
    }

    /// A rectangle of the given size centred in this one (clipped to it).
    public func centered(width w: Int, height h: Int) -> Rect {
        let cw = min(w, width), ch = min(h, height)
        return Rect(row: row + (height - ch) / 2, column: column + (width - cw) / 2, width: cw, height: ch)
    }
}
