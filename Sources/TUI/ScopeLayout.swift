/// Where each view goes for a terminal size: one pane (canvas, heat strip, waterfall), or two
/// panes for compare mode — side by side when wide enough, stacked when narrow — over a
/// two-line status bar.
public struct ScopeLayout: Equatable, Sendable {
    public enum Arrangement: Equatable, Sendable {
        case single, sideBySide, stacked
    }

    public struct Pane: Equatable, Sendable {
        public var title: Rect
        public var canvas: Rect
        /// Legend row plus strip rows; compare panes leave it out for room.
        public var heatStrip: Rect?
        /// Header row plus map lines.
        public var waterfall: Rect
    }

    public var arrangement: Arrangement
    public var panes: [Pane]
    public var status: Rect
    /// The column between side-by-side panes.
    public var divider: Rect?

    public static let statusRows = 2
    static let paneMinimumWidth = 40
    static let canvasMinimumRows = 3
    static let waterfallMinimumLines = 2

    /// The smallest terminal a mode fits in; compare mode asks for the stacked size when narrow.
    public static func minimumSize(comparing: Bool, width: Int) -> (width: Int, height: Int) {
        let pane = 1 + canvasMinimumRows + 1 + waterfallMinimumLines
        guard comparing else { return (paneMinimumWidth, pane + 2 + statusRows) }
        if width >= 2 * paneMinimumWidth + 1 { return (2 * paneMinimumWidth + 1, pane + statusRows) }
        return (paneMinimumWidth, 2 * pane + statusRows)
    }

    /// Nil when the terminal is below `minimumSize`. `heatRows` is how many strip rows the heat
    /// view would like (it gets at most 2); `canvasRows` how many lines the canvas needs at a
    /// pane's width (nil: a third of the pane for the waterfall, the rest for the canvas).
    public static func make(width: Int, height: Int, comparing: Bool, heatRows: Int = 1,
                            canvasRows: ((_ width: Int) -> Int)? = nil) -> ScopeLayout? {
        let minimum = minimumSize(comparing: comparing, width: width)
        guard width >= minimum.width, height >= minimum.height else { return nil }
        let screen = Rect(row: 0, column: 0, width: width, height: height)
        let (body, status) = screen.takingBottom(statusRows)
        guard comparing else {
            return ScopeLayout(arrangement: .single,
                               panes: [pane(in: body, heatRows: heatRows, canvasRows: canvasRows?(body.width))], status: status)
        }
        if width >= 2 * paneMinimumWidth + 1 {
            let leftWidth = (width - 1) / 2
            let left = Rect(row: body.row, column: 0, width: leftWidth, height: body.height)
            let right = Rect(row: body.row, column: leftWidth + 1, width: width - leftWidth - 1, height: body.height)
            let wanted = canvasRows.map { max($0(left.width), $0(right.width)) }
            return ScopeLayout(arrangement: .sideBySide, panes: [pane(in: left, canvasRows: wanted),
                                                                 pane(in: right, canvasRows: wanted)], status: status,
                               divider: Rect(row: body.row, column: leftWidth, width: 1, height: body.height))
        }
        let (top, bottom) = body.takingTop(body.height / 2)
        let wanted = canvasRows?(width)
        return ScopeLayout(arrangement: .stacked, panes: [pane(in: top, canvasRows: wanted), pane(in: bottom, canvasRows: wanted)],
                           status: status)
    }

    /// Each part gets its minimum, then the heat strip up to two rows; the canvas gets the lines it
    /// needs and the waterfall (the view that grows with every step) everything else. A canvas
    /// taller than the pane leaves the waterfall at least a third of it and scrolls.
    private static func pane(in rect: Rect, heatRows: Int? = nil, canvasRows: Int? = nil) -> Pane {
        let (title, rest) = rect.takingTop(1)
        let waterfallMinimum = 1 + waterfallMinimumLines
        var spare = rest.height - canvasMinimumRows - waterfallMinimum - (heatRows == nil ? 0 : 2)
        let heatExtra = heatRows.map { min(spare, min(2, max(1, $0)) - 1) } ?? 0
        spare -= heatExtra
        let third = min(spare, max(0, rect.height / 3 - waterfallMinimum))
        let waterfallExtra = canvasRows.map { max(third, spare - max(0, $0 - canvasMinimumRows)) } ?? third
        var (canvas, waterfall) = rest.takingBottom(waterfallMinimum + waterfallExtra)
        var heat: Rect?
        if heatRows != nil {
            let split = canvas.takingBottom(2 + heatExtra)
            canvas = split.rest
            heat = split.bottom
        }
        return Pane(title: title, canvas: canvas, heatStrip: heat, waterfall: waterfall)
    }
}
