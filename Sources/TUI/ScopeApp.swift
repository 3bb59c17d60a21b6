import Foundation

/// How the scope ended: the user quit, or a signal ended it (the process should then exit with
/// 128 + the signal's number, as a shell reports a program the signal killed).
public enum ScopeExit: Equatable, Sendable {
    case quit
    case signal(Int32)

    public var exitStatus: Int32 {
        switch self {
        case .quit: return 0
        case .signal(let number): return 128 + number
        }
    }
}

/// The full-screen program: starts ncurses, then reads keys and draws frames until the user
/// quits. It never blocks on a forward: steps run off this thread, and while one is under way
/// the loop polls for keys and signals every few milliseconds and lets the step's completion in between.
@MainActor
public enum ScopeApp {
    /// `colorMode` decides between the theme and monochrome once the terminal's colours are known.
    /// A quit signal (SIGINT, SIGTERM, SIGHUP) returns at once with the terminal restored, without
    /// waiting for a step in flight.
    public static func run(_ controller: ScopeController, theme: Theme,
                           colorMode: (_ terminalColors: Int) -> ColorMode) async throws(TerminalError) -> ScopeExit {
        try NcursesTerminal.installSignalHandlers()
        let terminal = try NcursesTerminal()
        defer { terminal.restore() }
        controller.palette = Palette(theme: theme, mode: colorMode(terminal.colorCount))
        while !controller.wantsQuit {
            controller.tick()
            let size = terminal.size
            terminal.draw(controller.screen(width: size.width, height: size.height))
            // Everything already typed is handled before the next frame, so a burst of keys (or a
            // pasted prompt) costs one render rather than one per key.
            var input = terminal.nextInput(timeoutMillis: controller.inputTimeoutMillis)
            while input != .timeout, !controller.wantsQuit {
                switch input {
                case .key(let key): await controller.perform(key)
                case .click(let row, let column): controller.click(row: row, column: column)
                case .wheel(let up): controller.wheel(up: up)
                case .quitSignal(let number): return .signal(number)
                case .resize, .resumed, .timeout: break
                }
                input = terminal.nextInput(timeoutMillis: 0)
            }
            // Lets a finished step (queued on this actor) land before the next frame.
            await Task.yield()
        }
        return .quit
    }
}
