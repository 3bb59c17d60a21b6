/// Anything drawn into a rectangle of the `Screen` grid: the scope's panes, the status bar, the
/// inspector, and the plots the measurement commands print. Each says how many rows it would use
/// at a width, so the layout can give rows to what has content, and the same drawing goes into a
/// TUI pane or onto stdout as plain text (and into tests as a string).
public protocol View {
    /// The rows the view would fill at `width` (the layout may give it fewer, or more).
    func rowsWanted(width: Int) -> Int
    func render(into screen: inout Screen, in rect: Rect)
}

extension View {
    /// The view drawn `width` columns wide in the rows it wants, trailing blanks removed.
    public func text(width: Int) -> String {
        var screen = Screen(width: width, height: rowsWanted(width: width))
        render(into: &screen, in: screen.bounds)
        return screen.text
    }
}
