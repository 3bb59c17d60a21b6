import Foundation

/// "12/960 · ar heldout-003 #5 · 1.9 s/sample · ETA 29m10s" rewritten in place on stderr, only
/// when stderr is a terminal (logs of batch jobs stay clean).
struct ProgressLine {
    let total: Int
    let enabled = isatty(STDERR_FILENO) == 1
    private let start = Date()

    init(total: Int) { self.total = total }

    /// `done` of `total` finished; the rate is this session's (a resumed run does not count the
    /// samples it skipped).
    func update(done: Int, detail: String) {
        guard enabled else { return }
        let elapsed = Date().timeIntervalSince(start)
        let perItem = elapsed / Double(max(1, done))
        let eta = perItem * Double(total - done)
        fprintInPlace("\(done)/\(total) · \(detail) · \(String(format: "%.2f", perItem)) s each · ETA \(Self.duration(eta))")
    }

    func finish() {
        if enabled { fprint("") }
    }

    /// "42s", "3m05s", "1h02m".
    static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}

/// Columns of the terminal on stdout, for plots; 80 when stdout is not a terminal.
func stdoutColumns() -> Int {
    var size = winsize()
    guard isatty(STDOUT_FILENO) == 1, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
    return min(Int(size.ws_col), 120)
}
