/// What a piece of the screen is, so views ask for meaning and the palette decides the look.
public enum StyleRole: CaseIterable, Sendable {
    case text, prompt, mask, guess, commit, eos, partialUTF8, status, border, title, notice
}

/// Turns roles and gradient values into cell styles, in colour from a theme or in monochrome.
///
/// Monochrome keeps every distinction visible without colour: heat as `░▒▓█` shading, low/high
/// values as dim/bold, this step's commits in reverse video.
public struct Palette: Equatable, Sendable {
    public let theme: Theme
    public let mode: ColorMode

    public init(theme: Theme, mode: ColorMode) {
        self.theme = theme
        self.mode = mode
    }

    public static let monochrome = Palette(theme: Theme(name: "monochrome"), mode: .monochrome)

    /// Heat drawn with shading glyphs: in monochrome, or when the theme has no heat gradient.
    public var shadesHeat: Bool { mode == .monochrome || theme.gradients[.heat] == nil }

    public func style(_ role: StyleRole) -> CellStyle {
        guard mode == .color else { return Self.monochromeStyles[role] ?? .plain }
        let base = CellStyle(foreground: color(.mainForeground), background: color(.mainBackground))
        func foreground(_ key: ThemeKey, _ attributes: CellAttributes = []) -> CellStyle {
            CellStyle(foreground: color(key), background: base.background, attributes: attributes)
        }
        switch role {
        case .text: return base
        case .prompt: return foreground(.prompt)
        case .mask: return foreground(.mask)
        case .guess: return foreground(.guess)
        case .commit:
            return CellStyle(foreground: color(.commitForeground), background: color(.commitBackground),
                             attributes: .bold)
        case .eos: return foreground(.eos)
        case .partialUTF8: return foreground(.partialUTF8)
        case .status: return CellStyle(foreground: color(.statusForeground), background: color(.statusBackground))
        case .border: return foreground(.border)
        case .title: return foreground(.title, .bold)
        case .notice: return foreground(.notice, .bold)
        }
    }

    /// The style of a value at `fraction` (0…1) along a gradient; the order gradient falls back
    /// to heat, and a theme without either to dim/plain/bold thirds.
    public func style(_ gradient: ThemeGradient, at fraction: Double) -> CellStyle {
        let rgb = mode == .color ? (theme.gradient(gradient, at: fraction) ?? theme.gradient(.heat, at: fraction)) : nil
        guard let rgb else { return style(.text).adding(Self.emphasis(fraction)) }
        return CellStyle(foreground: .indexed(rgb.xterm256Index), background: color(.mainBackground))
    }

    /// A block glyph whose density shows `fraction`: `░` (lowest quarter) to `█` (highest).
    public static func shade(_ fraction: Double) -> Character {
        let shades: [Character] = ["░", "▒", "▓", "█"]
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 1
        return shades[min(3, Int(clamped * 4))]
    }

    /// Dim for the lowest third, bold for the highest: heat without colour.
    public static func emphasis(_ fraction: Double) -> CellAttributes {
        if fraction < 1.0 / 3 { return .dim }
        return fraction >= 2.0 / 3 ? .bold : []
    }

    private func color(_ key: ThemeKey) -> TerminalColor {
        switch theme.color(key) {
        case .terminalDefault: return .terminalDefault
        case .rgb(let rgb): return .indexed(rgb.xterm256Index)
        }
    }

    private static let monochromeStyles: [StyleRole: CellStyle] = [
        .prompt: CellStyle(attributes: .dim),
        .mask: CellStyle(attributes: .dim),
        .guess: CellStyle(attributes: [.dim, .italic]),
        .commit: CellStyle(attributes: [.reverse, .bold]),
        .eos: CellStyle(attributes: .dim),
        .partialUTF8: CellStyle(attributes: .underline),
        .status: CellStyle(attributes: .reverse),
        .title: CellStyle(attributes: .bold),
        .notice: CellStyle(attributes: .bold),
    ]
}
