/// Encodes the change between two frames as ANSI/VT100 escapes for an xterm-256color terminal:
/// what an asciicast recording stores, and what `asciinema play` replays.
public enum ANSIEncoder {
    static let escape = "\u{1B}["

    /// Escapes that turn `previous` (nil: an unknown screen) into `screen`; empty when equal.
    public static func encode(_ screen: Screen, since previous: Screen?) -> String {
        let diff = ScreenDiff(from: previous, to: screen)
        guard !diff.isEmpty else { return "" }
        var output = diff.isFullRedraw ? escape + "?25l" + escape + "0m" + escape + "2J" : ""
        var current: CellStyle?
        for run in diff.runs {
            output += escape + "\(run.row + 1);\(run.columns.lowerBound + 1)H"
            for column in run.columns where !screen[run.row, column].isContinuation {
                let cell = screen[run.row, column]
                if cell.style != current {
                    output += sgr(cell.style)
                    current = cell.style
                }
                output.append(cell.character)
            }
        }
        return output + escape + "0m"
    }

    /// Select Graphic Rendition: reset, then the attributes and 256-colour indices of `style`.
    static func sgr(_ style: CellStyle) -> String {
        var codes = ["0"]
        let attributes: [(CellAttributes, String)] = [(.bold, "1"), (.dim, "2"), (.italic, "3"), (.underline, "4"),
                                                      (.reverse, "7")]
        codes += attributes.filter { style.attributes.contains($0.0) }.map(\.1)
        if case .indexed(let index) = style.foreground { codes.append("38;5;\(index)") }
        if case .indexed(let index) = style.background { codes.append("48;5;\(index)") }
        return escape + codes.joined(separator: ";") + "m"
    }
}
