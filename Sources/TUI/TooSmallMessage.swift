/// Shown instead of the views when the terminal cannot hold them, so a resize never crashes
/// or garbles; it says how big the terminal must be.
public struct TooSmallMessage: Sendable {
    public var width: Int
    public var height: Int
    public var minimumWidth: Int
    public var minimumHeight: Int
    public var palette: Palette

    public init(width: Int, height: Int, minimumWidth: Int, minimumHeight: Int, palette: Palette) {
        self.width = width
        self.height = height
        self.minimumWidth = minimumWidth
        self.minimumHeight = minimumHeight
        self.palette = palette
    }

    public var lines: [String] {
        ["terminal too small: \(width)×\(height)", "need at least \(minimumWidth)×\(minimumHeight)",
         "enlarge it, or press q to quit"]
    }

    public func render(into screen: inout Screen) {
        let lines = lines
        let top = max(0, (screen.height - lines.count) / 2)
        for (offset, line) in lines.enumerated() {
            let column = max(0, (screen.width - TextPiece.displayWidth(of: line)) / 2)
            screen.put(line, row: top + offset, column: column, style: palette.style(offset == 0 ? .notice : .text))
        }
    }
}
