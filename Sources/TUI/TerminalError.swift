/// Why the interactive view cannot start; each says what to run instead.
public enum TerminalError: Error, Equatable, CustomStringConvertible {
    /// `stream` is "standard output" or "standard input".
    case notATerminal(stream: String)
    /// TERM unset, empty or "dumb".
    case dumbTerminal(term: String?)
    /// ncurses has no terminfo entry for TERM, or could not open the streams.
    case cannotStart(term: String)
    /// The pipe that carries signals to the input loop could not be made (out of descriptors).
    case signalPipe(errno: Int32)

    static let headlessHint = "For a decode without the interactive view, use `dscope decode` (text or JSONL output)."

    public var description: String {
        switch self {
        case .notATerminal(let stream):
            return "dscope's interactive view needs a terminal, but \(stream) is not a TTY. \(Self.headlessHint)"
        case .dumbTerminal(let term):
            let what = term.map { $0.isEmpty ? "TERM is empty" : "TERM=\($0) cannot position the cursor" } ?? "TERM is not set"
            return "dscope's interactive view needs a full-screen terminal, and \(what). "
                + "Set TERM (e.g. xterm-256color), or: \(Self.headlessHint)"
        case .cannotStart(let term):
            return "ncurses could not start on TERM=\(term) (no terminfo entry?). "
                + "Try TERM=xterm-256color, or: \(Self.headlessHint)"
        case .signalPipe(let errno):
            return "could not make the signal pipe (errno \(errno)); close other programs' files and retry"
        }
    }
}
