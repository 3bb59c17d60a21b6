import Models

/// Something in a theme file that was skipped; the theme still loads.
public struct ThemeWarning: Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    /// The message quotes the theme file's own text: escaped and cut (`terminalSafe`).
    public var description: String { (line > 0 ? "line \(line): \(message)" : message).terminalSafe(limit: 300) }
}

/// Reads btop's theme format: `theme[key]="value"` lines and `#` comments.
public enum ThemeParser {
    /// Parses a theme; bad lines, bad values and unknown keys become warnings, never failures,
    /// so a theme written for a newer dscope still loads.
    public static func parse(_ text: String, name: String) -> (theme: Theme, warnings: [ThemeWarning]) {
        var theme = Theme(name: name)
        var warnings: [ThemeWarning] = []
        var stops: [ThemeGradient: [GradientStop: RGBColor]] = [:]

        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            let line = rawLine.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let (key, value) = entry(in: line) else {
                warnings.append(ThemeWarning(line: lineNumber, message: "not of the form theme[key]=\"value\": \(line)"))
                continue
            }
            guard let color = color(from: value) else {
                warnings.append(ThemeWarning(line: lineNumber,
                    message: "\(key): bad colour \"\(value)\" (use #RRGGBB, #GG, \"R G B\" or \"\")"))
                continue
            }
            if let plain = ThemeKey(rawValue: key) {
                theme.colors[plain] = color
            } else if let (gradient, stop) = gradientStop(key) {
                if case .rgb(let rgb) = color { stops[gradient, default: [:]][stop] = rgb }
            } else {
                warnings.append(ThemeWarning(line: lineNumber, message: "unknown key \(key) (ignored)"))
            }
        }

        for gradient in ThemeGradient.allCases {
            let given = stops[gradient] ?? [:]
            guard let start = given[.start] else {
                if !given.isEmpty {
                    warnings.append(ThemeWarning(line: 0, message: "\(gradient.rawValue)_start missing: gradient ignored"))
                }
                continue
            }
            theme.gradients[gradient] = Theme.expandGradient(start: start, mid: given[.mid], end: given[.end])
        }
        if theme.gradients[.heat] == nil {
            warnings.append(ThemeWarning(line: 0, message: "no heat gradient: heat is shown by shading"))
        }
        return (theme, warnings)
    }

    /// Parses one colour value: `#RRGGBB`, `#GG` (a grey), `R G B` in decimal, or empty (terminal default).
    public static func color(from value: String) -> ThemeColor? {
        if value.isEmpty { return .terminalDefault }
        if value.hasPrefix("#") {
            let hex = Array(value.dropFirst())
            guard hex.count == 2 || hex.count == 6 else { return nil }
            var bytes: [UInt8] = []
            for i in stride(from: 0, to: hex.count, by: 2) {
                guard let byte = UInt8(String(hex[i...i + 1]), radix: 16) else { return nil }
                bytes.append(byte)
            }
            return bytes.count == 1 ? .rgb(RGBColor(grey: bytes[0]))
                                    : .rgb(RGBColor(red: bytes[0], green: bytes[1], blue: bytes[2]))
        }
        let parts = value.split(separator: " ", omittingEmptySubsequences: true).map { UInt8($0) }
        guard parts.count == 3, let r = parts[0], let g = parts[1], let b = parts[2] else { return nil }
        return .rgb(RGBColor(red: r, green: g, blue: b))
    }

    private enum GradientStop: String { case start, mid, end }

    private static func gradientStop(_ key: String) -> (ThemeGradient, GradientStop)? {
        guard let underscore = key.lastIndex(of: "_"),
              let gradient = ThemeGradient(rawValue: String(key[..<underscore])),
              let stop = GradientStop(rawValue: String(key[key.index(after: underscore)...])) else { return nil }
        return (gradient, stop)
    }

    /// Splits `theme[key]="value"` (spaces allowed around `=`, a `#` comment after the value).
    private static func entry(in line: String) -> (key: String, value: String)? {
        guard line.hasPrefix("theme["), let close = line.firstIndex(of: "]") else { return nil }
        let key = String(line[line.index(line.startIndex, offsetBy: 6)..<close])
        var rest = line[line.index(after: close)...].trimmingWhitespace()
        guard !key.isEmpty, rest.hasPrefix("=") else { return nil }
        rest = rest.dropFirst().trimmingWhitespace()
        guard rest.hasPrefix("\""), let end = rest.dropFirst().firstIndex(of: "\"") else { return nil }
        let value = String(rest[rest.index(after: rest.startIndex)..<end])
        let trailing = rest[rest.index(after: end)...].trimmingWhitespace()
        guard trailing.isEmpty || trailing.hasPrefix("#") else { return nil }
        return (key, value.trimmingWhitespace())
    }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
