/// A view whose height follows from its width, so the same drawing goes into a TUI pane or onto
/// stdout as plain text (and into tests as a string).
public protocol TextBlock {
    func height(forWidth width: Int) -> Int
    func render(into screen: inout Screen, in rect: Rect)
}

extension TextBlock {
    /// The view drawn `width` columns wide, trailing blanks removed.
    public func text(width: Int) -> String {
        var screen = Screen(width: width, height: height(forWidth: width))
        render(into: &screen, in: screen.bounds)
        return screen.text
    }
}
