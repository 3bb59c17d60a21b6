import Foundation

/// The full-screen program: starts ncurses, then reads keys and draws frames until the user
/// quits. It never blocks on a forward: steps run off this thread, and while one is under way
/// the loop polls for keys every few milliseconds and lets the step's completion in between.
@MainActor
public enum ScopeApp {
    /// `colorMode` decides between the theme and monochrome once the terminal's colours are known.
    public static func run(_ controller: ScopeController, theme: Theme,
                           colorMode: (_ terminalColors: Int) -> ColorMode) async throws(TerminalError) {
        NcursesTerminal.installSignalHandlers()
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
                case .quitSignal: await controller.perform(.quit)
                case .resize, .resumed, .timeout: break
                }
                input = terminal.nextInput(timeoutMillis: 0)
            }
            // Lets a finished step (queued on this actor) land before the next frame.
            await Task.yield()
        }
    }
}
