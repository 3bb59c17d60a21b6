/// The cells that differ between two frames, as runs along rows: all a backend needs to redraw.
public struct ScreenDiff: Equatable, Sendable {
    public struct Run: Equatable, Sendable {
        public var row: Int
        public var columns: Range<Int>
    }

    public let runs: [Run]
    /// True when there was no previous frame of the same size, so every cell is in `runs`.
    public let isFullRedraw: Bool

    public init(from old: Screen?, to new: Screen) {
        let previous = old.flatMap { $0.width == new.width && $0.height == new.height ? $0 : nil }
        isFullRedraw = previous == nil
        var runs: [Run] = []
        for row in 0..<new.height {
            var start: Int?
            for column in 0...new.width {
                let changed = column < new.width && Self.changed(previous, new, row, column)
                if changed, start == nil { start = column }
                if !changed, let first = start {
                    runs.append(Run(row: row, columns: first..<column))
                    start = nil
                }
            }
        }
        self.runs = runs
    }

    public var isEmpty: Bool { runs.isEmpty }

    /// A changed half of a wide glyph makes the whole glyph changed, so it is redrawn from its lead.
    private static func changed(_ old: Screen?, _ new: Screen, _ row: Int, _ column: Int) -> Bool {
        guard let old else { return true }
        if old[row, column] != new[row, column] { return true }
        if column + 1 < new.width, new[row, column].width == 2, old[row, column + 1] != new[row, column + 1] {
            return true
        }
        return new[row, column].isContinuation && column > 0 && old[row, column - 1] != new[row, column - 1]
    }
}
