/// A colour as the terminal sees it: its own default, or an entry of the xterm 256-colour palette.
public enum TerminalColor: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)
}

/// Text attributes a cell can carry; every terminal we target renders bold, dim and reverse.
public struct CellAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = CellAttributes(rawValue: 1 << 0)
    public static let dim = CellAttributes(rawValue: 1 << 1)
    public static let reverse = CellAttributes(rawValue: 1 << 2)
    public static let underline = CellAttributes(rawValue: 1 << 3)
    public static let italic = CellAttributes(rawValue: 1 << 4)
}

/// Foreground, background and attributes of a cell.
public struct CellStyle: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: CellAttributes

    public init(foreground: TerminalColor = .terminalDefault, background: TerminalColor = .terminalDefault,
                attributes: CellAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = CellStyle()

    public func adding(_ extra: CellAttributes) -> CellStyle {
        var style = self
        style.attributes.formUnion(extra)
        return style
    }

    public func withBackground(_ color: TerminalColor) -> CellStyle {
        var style = self
        style.background = color
        return style
    }
}
