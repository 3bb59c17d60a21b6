/// A colour a theme assigns: the terminal's own default, or an RGB value.
public enum ThemeColor: Hashable, Sendable {
    case terminalDefault
    case rgb(RGBColor)
}

/// The single-colour keys of a theme file (`theme[main_fg]="#e0e0e0"`).
public enum ThemeKey: String, CaseIterable, Sendable {
    case mainForeground = "main_fg"
    case mainBackground = "main_bg"
    case prompt = "prompt_fg"
    case mask = "mask_fg"
    case guess = "guess_fg"
    case commitForeground = "commit_fg"
    case commitBackground = "commit_bg"
    case eos = "eos_fg"
    case partialUTF8 = "partial_fg"
    case statusForeground = "status_fg"
    case statusBackground = "status_bg"
    case border = "border_fg"
    case title = "title_fg"
    case notice = "notice_fg"
}

/// Gradients a theme defines with `<name>_start`, `<name>_mid` and `<name>_end` keys.
public enum ThemeGradient: String, CaseIterable, Sendable {
    /// Low → high entropy (or confidence high → low): the heat of masked and decoded positions.
    case heat
    /// Early → late decode step, for colouring tokens by the order they were committed in.
    case order
}

/// Colours for every role the views draw; loaded from a btop-style `*.theme` file.
public struct Theme: Equatable, Sendable {
    /// Gradients are expanded to this many steps (0–100), as btop does.
    public static let gradientSteps = 101

    public var name: String
    public var colors: [ThemeKey: ThemeColor]
    /// Each gradient expanded to `gradientSteps` colours.
    public var gradients: [ThemeGradient: [RGBColor]]

    public init(name: String, colors: [ThemeKey: ThemeColor] = [:], gradients: [ThemeGradient: [RGBColor]] = [:]) {
        self.name = name
        self.colors = colors
        self.gradients = gradients
    }

    /// A key the file did not set is the terminal's default colour.
    public func color(_ key: ThemeKey) -> ThemeColor { colors[key] ?? .terminalDefault }

    /// The gradient colour at `fraction` (clamped to 0…1), or nil when the theme defines none.
    public func gradient(_ gradient: ThemeGradient, at fraction: Double) -> RGBColor? {
        guard let steps = gradients[gradient], !steps.isEmpty else { return nil }
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 1
        return steps[Int((clamped * Double(steps.count - 1)).rounded())]
    }

    /// Expands gradient stops to `gradientSteps` colours: start → mid → end, or start → end.
    public static func expandGradient(start: RGBColor, mid: RGBColor?, end: RGBColor?) -> [RGBColor] {
        let last = gradientSteps - 1
        guard let end else { return Array(repeating: start, count: gradientSteps) }
        guard let mid else {
            return (0...last).map { start.mixed(with: end, fraction: Double($0) / Double(last)) }
        }
        let half = last / 2
        return (0...last).map { step in
            step <= half ? start.mixed(with: mid, fraction: Double(step) / Double(half))
                         : mid.mixed(with: end, fraction: Double(step - half) / Double(last - half))
        }
    }
}
