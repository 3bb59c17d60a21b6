/// What waiting for input produced.
public enum TerminalInput: Equatable, Sendable {
    case key(Key)
    /// A left click at a screen cell.
    case click(row: Int, column: Int)
    /// The mouse wheel, one notch.
    case wheel(up: Bool)
    /// The terminal was resized; the next draw repaints everything.
    case resize(width: Int, height: Int)
    /// Nothing arrived within the timeout: time for the next animation frame.
    case timeout
    /// SIGINT, SIGTERM or SIGHUP: the scope ends at once (exit status 128 + the number).
    case quitSignal(Int32)
    /// The process was stopped (Ctrl-Z) and continued; the next draw repaints everything.
    case resumed
}
