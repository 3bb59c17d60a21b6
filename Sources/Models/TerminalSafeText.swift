extension String {
    /// The string as it may appear in a message or on a terminal when it comes from a file: control
    /// characters (C0, DEL, C1 — ESC and OSC among them), line and paragraph separators and
    /// bidirectional overrides become visible escapes (`\n`, `\t`, `\u{1B}`), so a tensor name or a
    /// token cannot move the cursor, retitle the window or reorder the line. Text longer than
    /// `limit` Unicode scalars keeps its start and its end around an ellipsis and the original
    /// length: a tensor name's tail, or a message's "what is allowed", stays readable.
    /// `keepingLineBreaks` leaves `\n` and `\t` as they are, for multi-line output such as a
    /// decoded answer.
    public func terminalSafe(limit: Int? = 160, keepingLineBreaks: Bool = false) -> String {
        let scalars = unicodeScalars
        let total = scalars.count
        guard let limit, total > limit else { return Self.escaped(scalars[...], keepingLineBreaks) }
        let head = scalars.prefix((max(0, limit) + 1) / 2)
        let tail = scalars.suffix(max(0, limit) / 2)
        return Self.escaped(head, keepingLineBreaks) + "…(\(total) characters)…" + Self.escaped(tail, keepingLineBreaks)
    }

    private static func escaped(_ scalars: Substring.UnicodeScalarView, _ keepingLineBreaks: Bool) -> String {
        var safe = ""
        for scalar in scalars {
            if keepingLineBreaks, scalar == "\n" || scalar == "\t" {
                safe.unicodeScalars.append(scalar)
            } else if let escape = visibleEscape(scalar) {
                safe += escape
            } else {
                safe.unicodeScalars.append(scalar)
            }
        }
        return safe
    }

    private static func visibleEscape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x0A: return "\\n"
        case 0x09: return "\\t"
        case 0x0D: return "\\r"
        case 0x00: return "\\0"
        case 0x00...0x1F, 0x7F...0x9F,
             0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069:
            return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        default:
            return nil
        }
    }
}
