import CNcursesw
import Foundation

/// The one place that talks to ncurses: it flushes `Screen` frames (only the cells that changed,
/// through the wide-character API) and reads keys. Views never see it.
public final class NcursesTerminal {
    private let screen: OpaquePointer
    private var lastDrawn: Screen?
    private var pairs: [PairKey: Int32] = [:]
    private var isRestored = false
    private let inputDescriptor: Int32
    /// ncurses reads ahead (an Esc waits for the rest of a sequence): after a key its own queue
    /// may hold more than the descriptor shows, so the next read asks ncurses before polling.
    private var mayHoldReadAhead = false
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

    /// Installs the signal handlers (call once, before `init`): quit, stop, continue and resize
    /// signals reach `nextInput` through a pipe; crashes restore the terminal and re-raise.
    public static func installSignalHandlers() throws(TerminalError) {
        guard dscope_install_signal_handlers() == 0 else { throw .signalPipe(errno: errno) }
    }

    /// Starts ncurses on the given descriptors (the process's own by default).
    public init(term: String? = nil, outputDescriptor: Int32 = STDOUT_FILENO,
                inputDescriptor: Int32 = STDIN_FILENO) throws(TerminalError) {
        _ = TerminalLocale.prepare()
        guard let screen = dscope_newterm(term, outputDescriptor, inputDescriptor) else {
            throw .cannotStart(term: term ?? ProcessInfo.processInfo.environment["TERM"] ?? "")
        }
        self.screen = screen
        self.inputDescriptor = inputDescriptor
        set_term(screen)
        cbreak()
        noecho()
        nonl()
        keypad(dscope_stdscr(), true)
        // The default 1 s makes Esc feel broken; 25 ms still joins real escape sequences.
        set_escdelay(25)
        curs_set(0)
        dscope_enable_mouse()
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

    /// Waits up to `timeoutMillis` for a key, a resize or a signal. A signal is answered before
    /// any key still unread: a quit signal is returned, a stop (Ctrl-Z) suspends here and returns
    /// `.resumed` once the shell continues the process, with what was typed meanwhile discarded.
    public func nextInput(timeoutMillis: Int32) -> TerminalInput {
        let wait = mayHoldReadAhead ? 0 : timeoutMillis
        let ready = dscope_wait_for_input(inputDescriptor, wait)
        if ready > 0 { return answer(signal: ready) }
        guard ready == 0 || mayHoldReadAhead else { return .timeout }
        let window = dscope_stdscr()
        wtimeout(window, 0)
        var character: wint_t = 0
        let result = wget_wch(window, &character)
        mayHoldReadAhead = result != ERR
        switch result {
        case KEY_CODE_YES where Int32(character) == KEY_RESIZE:
            lastDrawn = nil
            return .resize(width: size.width, height: size.height)
        case KEY_CODE_YES where Int32(character) == KEY_MOUSE:
            var row: Int32 = 0, column: Int32 = 0
            switch dscope_mouse_event(&row, &column) {
            case 1: return .click(row: Int(row), column: Int(column))
            case 4: return .wheel(up: true)
            case 5: return .wheel(up: false)
            default: return nextInput(timeoutMillis: 0)
            }
        case KEY_CODE_YES:
            return .key(Key(ncursesKeyCode: Int32(character)))
        case OK:
            return .key(Key(wideCharacter: UInt32(character)))
        default:
            // Read-ahead drained: wait for the descriptor (or a signal) as asked.
            return ready == 0 || timeoutMillis == 0 ? .timeout : nextInput(timeoutMillis: timeoutMillis)
        }
    }

    /// Leaves curses mode for good; safe to call more than once.
    public func restore() {
        guard !isRestored else { return }
        isRestored = true
        endwin()
    }

    private func answer(signal: Int32) -> TerminalInput {
        switch signal {
        case SIGTSTP:
            endwin()
            dscope_stop_process()
            // Keys typed while stopped (or just before) belong to the shell, not to the scope.
            flushinp()
            lastDrawn = nil
            return .resumed
        case SIGCONT:
            lastDrawn = nil
            return .resumed
        case SIGWINCH:
            _ = dscope_apply_window_size(inputDescriptor)
            // resizeterm queues a KEY_RESIZE of its own: read it now rather than as a later key.
            mayHoldReadAhead = true
            lastDrawn = nil
            return .resize(width: size.width, height: size.height)
        default:
            dscope_quit_seen()
            return .quitSignal(signal)
        }
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
