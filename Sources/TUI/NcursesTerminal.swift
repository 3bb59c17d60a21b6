import CNcursesw
import Foundation

/// The one place that talks to ncurses: it flushes `Screen` frames (only the cells that changed,
/// through the wide-character API) and reads keys. Views never see it.
public final class NcursesTerminal {
    private let screen: OpaquePointer
    private var lastDrawn: Screen?
    private var pairs: [PairKey: Int32] = [:]
    private var isRestored = false
    /// Colours the terminal offers (0 without colour); below 256 the app should use monochrome.
    public let colorCount: Int

    private struct PairKey: Hashable {
        var foreground: Int32
        var background: Int32
    }

    /// Refuses to start on a pipe or a dumb terminal, so the user gets a sentence rather than
    /// a garbled pipe or an ncurses abort.
    public static func checkInteractive(environment: [String: String] = ProcessInfo.processInfo.environment,
                                        inputIsTTY: Bool = isatty(STDIN_FILENO) == 1,
                                        outputIsTTY: Bool = isatty(STDOUT_FILENO) == 1) throws(TerminalError) {
        guard outputIsTTY else { throw .notATerminal(stream: "standard output") }
        guard inputIsTTY else { throw .notATerminal(stream: "standard input") }
        let term = environment["TERM"]
        guard let term, !term.isEmpty, term != "dumb" else { throw .dumbTerminal(term: term) }
    }

    /// Installs the signal handlers that restore the terminal (call once, before `init`).
    public static func installSignalHandlers() {
        dscope_install_signal_handlers()
    }

    /// Starts ncurses on the given descriptors (the process's own by default).
    public init(term: String? = nil, outputDescriptor: Int32 = STDOUT_FILENO,
                inputDescriptor: Int32 = STDIN_FILENO) throws(TerminalError) {
        _ = TerminalLocale.prepare()
        guard let screen = dscope_newterm(term, outputDescriptor, inputDescriptor) else {
            throw .cannotStart(term: term ?? ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
        self.screen = screen
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        keypad(dscope_stdscr(), true)
        // The default 1 s makes Esc feel broken; 25 ms still joins real escape sequences.
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colorCount = Int(dscope_colors())
        } else {
            colorCount = 0
        }
    }

    deinit {
        restore()
        delscreen(screen)
    }

    public var size: (width: Int, height: Int) { (Int(dscope_cols()), Int(dscope_lines())) }

    /// Draws what changed since the last frame (everything after a resize or resume).
    public func draw(_ frame: Screen) {
        let window = dscope_stdscr()
        let diff = ScreenDiff(from: lastDrawn, to: frame)
        if diff.isFullRedraw { clearok(window, true) }
        for run in diff.runs {
            for column in run.columns where !frame[run.row, column].isContinuation {
                put(frame[run.row, column], row: run.row, column: column, in: window)
            }
        }
        wnoutrefresh(window)
        doupdate()
        lastDrawn = frame
    }

    /// Waits up to `timeoutMillis` for a key, a resize or a signal.
    public func nextInput(timeoutMillis: Int32) -> TerminalInput {
        if let pending = pendingSignal() { return pending }
        let window = dscope_stdscr()
        wtimeout(window, timeoutMillis)
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        if let pending = pendingSignal() { return pending }
        switch result {
        case KEY_CODE_YES where Int32(character) == KEY_RESIZE:
            lastDrawn = nil
            return .resize(width: size.width, height: size.height)
        case KEY_CODE_YES:
            return .key(Key(ncursesKeyCode: Int32(character)))
        case OK:
            return .key(Key(wideCharacter: UInt32(character)))
        default:
            return .timeout
        }
    }

    /// Leaves curses mode for good; safe to call more than once.
    public func restore() {
        guard !isRestored else { return }
        isRestored = true
        endwin()
    }

    private func pendingSignal() -> TerminalInput? {
        let quit = dscope_take_quit_signal()
        if quit != 0 { return .quitSignal(quit) }
        guard dscope_take_stop_request() != 0 else { return nil }
        endwin()
        dscope_stop_process()
        lastDrawn = nil
        return .resumed
    }

    private func put(_ cell: Cell, row: Int, column: Int, in window: UnsafeMutablePointer<WINDOW>?) {
        var characters = cell.character.unicodeScalars.prefix(Glyph.maxCombiningMarks + 1)
            .map { wchar_t(bitPattern: $0.value) }
        characters.append(0)
        var pair = pairNumber(cell.style)
        var complex = cchar_t()
        // Pair numbers above 255 do not fit the short argument; ncurses reads them from `opts`.
        setcchar(&complex, characters, attributes(cell.style.attributes), 0, &pair)
        mvwadd_wch(window, Int32(row), Int32(column), &complex)
    }

    private func pairNumber(_ style: CellStyle) -> Int32 {
        guard colorCount > 0 else { return 0 }
        let key = PairKey(foreground: Self.number(style.foreground), background: Self.number(style.background))
        if key.foreground == -1 && key.background == -1 { return 0 }
        if let known = pairs[key] { return known }
        let pair = max(0, alloc_pair(key.foreground, key.background))
        pairs[key] = pair
        return pair
    }

    private static func number(_ color: TerminalColor) -> Int32 {
        switch color {
        case .terminalDefault: return -1
        case .indexed(let index): return Int32(index)
        }
    }

    private func attributes(_ attributes: CellAttributes) -> attr_t {
        var result = attr_t(0)
        if attributes.contains(.bold) { result |= dscope_a_bold() }
        if attributes.contains(.dim) { result |= dscope_a_dim() }
        if attributes.contains(.reverse) { result |= dscope_a_reverse() }
        if attributes.contains(.underline) { result |= dscope_a_underline() }
        if attributes.contains(.italic) { result |= dscope_a_italic() }
        return result
    }
}
