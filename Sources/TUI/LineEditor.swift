/// A one-line text editor for typing a new prompt, with the readline keys people reach for.
public struct LineEditor: Equatable, Sendable {
    public private(set) var text: [Character]
    /// Insertion point, 0…text.count.
    public private(set) var cursor: Int

    public init(text: String = "") {
        self.text = Array(text)
        cursor = self.text.count
    }

    public enum Outcome: Equatable, Sendable {
        case editing
        case submitted(String)
        case cancelled
    }

    public var string: String { String(text) }

    /// Applies one key: Enter submits, Esc cancels; ←/→, Home/End, Ctrl-A/E move; Backspace, Del,
    /// Ctrl-U (to start), Ctrl-K (to end), Ctrl-W (word) delete; printable characters insert.
    public mutating func handle(_ key: Key) -> Outcome {
        switch key {
        case .enter: return .submitted(string)
        case .escape: return .cancelled
        case .left: cursor = max(0, cursor - 1)
        case .right: cursor = min(text.count, cursor + 1)
        case .home, .character("\u{01}"): cursor = 0
        case .end, .character("\u{05}"): cursor = text.count
        case .backspace:
            if cursor > 0 {
                text.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete:
            if cursor < text.count { text.remove(at: cursor) }
        case .character("\u{15}"):
            text.removeSubrange(0..<cursor)
            cursor = 0
        case .character("\u{0B}"):
            text.removeSubrange(cursor..<text.count)
        case .character("\u{17}"):
            var start = cursor
            while start > 0, text[start - 1] == " " { start -= 1 }
            while start > 0, text[start - 1] != " " { start -= 1 }
            text.removeSubrange(start..<cursor)
            cursor = start
        case .character(let c) where !c.isASCII || c.asciiValue! >= 0x20:
            text.insert(c, at: cursor)
            cursor += 1
        default:
            break
        }
        return .editing
    }
}
