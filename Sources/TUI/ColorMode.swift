/// Whether the screen uses colour or shows everything with shading and attributes alone.
public enum ColorMode: Equatable, Sendable {
    case color
    case monochrome

    /// Monochrome when asked for (`--no-color`), when NO_COLOR is set and non-empty
    /// (no-color.org), or when the terminal has fewer than the 256 colours themes are mapped to.
    public static func resolve(noColorFlag: Bool, environment: [String: String],
                               terminalColors: Int = 256) -> ColorMode {
        if noColorFlag { return .monochrome }
        if let value = environment["NO_COLOR"], !value.isEmpty { return .monochrome }
        return terminalColors >= 256 ? .color : .monochrome
    }
}
