import CNcursesw

/// One drawable grapheme with its display width in columns (1, or 2 for wide CJK and emoji).
public struct Glyph: Hashable, Sendable {
    public var character: Character
    public var width: Int

    public init(_ character: Character, width: Int = 1) {
        self.character = character
        self.width = width
    }

    /// ncurses' `cchar_t` holds CCHARW_MAX = 5 wide characters: one spacing character, four marks.
    public static let maxCombiningMarks = 4
    public static let newlineMark: Character = "⏎"
    public static let controlMark: Character = "·"
    /// Shown under a combining mark that has no character to its left to sit on.
    public static let orphanMarkBase: Character = "◌"
    public static let tabWidth = 4
}

/// How a newline inside text is shown: as a real break (canvas) or a visible mark (single lines).
public enum NewlineRendering: Sendable {
    case lineBreak
    case visibleMark
}

/// Text cut into what a cell grid can hold.
public enum TextPiece: Hashable, Sendable {
    case glyph(Glyph)
    case lineBreak
    /// Zero-width marks at the start of a text: they belong on the cell before it.
    case combiningMarks(String)
}

extension TextPiece {
    /// Splits text into glyphs with `wcwidth`, the same width function ncurses uses to place them.
    ///
    /// Controls are replaced (tab → spaces, others → `·`) so nothing can move the terminal cursor;
    /// a cluster with several spacing characters (ZWJ emoji sequences) keeps its first one, since
    /// terminals disagree on how wide the whole sequence is.
    public static func pieces(of text: String, newlines: NewlineRendering) -> [TextPiece] {
        _ = TerminalLocale.prepare()
        var pieces: [TextPiece] = []
        for character in text {
            if character.isNewline {
                pieces.append(newlines == .lineBreak ? .lineBreak : .glyph(Glyph(Glyph.newlineMark)))
                continue
            }
            if character == "\t" {
                pieces.append(contentsOf: repeatElement(.glyph(Glyph(" ")), count: Glyph.tabWidth))
                continue
            }
            let scalars = Array(character.unicodeScalars)
            let baseWidth = columns(of: scalars[0])
            if baseWidth < 0 {
                pieces.append(.glyph(Glyph(Glyph.controlMark)))
            } else if baseWidth == 0 {
                let marks = scalars.prefix { columns(of: $0) == 0 }.prefix(Glyph.maxCombiningMarks)
                pieces.append(.combiningMarks(String(String.UnicodeScalarView(marks))))
            } else {
                // A joiner would glue the dropped rest of a sequence to whatever is drawn next.
                let marks = scalars.dropFirst().prefix { columns(of: $0) == 0 }.filter { $0 != zeroWidthJoiner }
                    .prefix(Glyph.maxCombiningMarks)
                var kept = String.UnicodeScalarView([scalars[0]])
                kept.append(contentsOf: marks)
                pieces.append(.glyph(Glyph(Character(String(kept)), width: min(baseWidth, 2))))
            }
        }
        return pieces
    }

    /// Columns the text occupies on one line (newlines shown as marks).
    public static func displayWidth(of text: String) -> Int {
        pieces(of: text, newlines: .visibleMark).reduce(0) { total, piece in
            if case .glyph(let glyph) = piece { return total + glyph.width }
            return total
        }
    }

    private static let zeroWidthJoiner: Unicode.Scalar = "\u{200D}"

    private static func columns(of scalar: Unicode.Scalar) -> Int {
        Int(wcwidth(wchar_t(bitPattern: scalar.value)))
    }
}
