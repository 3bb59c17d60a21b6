import CNcursesw

/// A key press, decoded from what ncurses' `wget_wch` returns.
public enum Key: Hashable, Sendable {
    case character(Character)
    case up, down, left, right, home, end, pageUp, pageDown
    case backspace, delete, enter, f1
    /// Shift-Tab.
    case backTab
    /// A function key we have no use for, kept so it can be ignored rather than misread.
    case other(Int32)

    public static let escape = Key.character("\u{1B}")
    /// Ctrl-C as a character: it arrives so only when the tty's ISIG is off (raw mode, some tmux
    /// setups); otherwise it is SIGINT, which the terminal turns into the same quit.
    public static let controlC = Key.character("\u{03}")
    public static let tab = Key.character("\u{09}")

    /// A `KEY_*` code (`wget_wch` answered KEY_CODE_YES).
    public init(ncursesKeyCode code: Int32) {
        switch code {
        case KEY_UP: self = .up
        case KEY_DOWN: self = .down
        case KEY_LEFT: self = .left
        case KEY_RIGHT: self = .right
        case KEY_HOME: self = .home
        case KEY_END: self = .end
        case KEY_PPAGE: self = .pageUp
        case KEY_NPAGE: self = .pageDown
        case KEY_BACKSPACE: self = .backspace
        case KEY_DC: self = .delete
        case KEY_ENTER: self = .enter
        case dscope_key_f(1): self = .f1
        case KEY_BTAB: self = .backTab
        default: self = .other(code)
        }
    }

    /// A character (`wget_wch` answered OK); terminals send Backspace as DEL or ^H, Enter as ^J or ^M.
    public init(wideCharacter value: UInt32) {
        switch value {
        case 0x7F, 0x08: self = .backspace
        case 0x0A, 0x0D: self = .enter
        default:
            self = Unicode.Scalar(value).map { .character(Character($0)) } ?? .other(Int32(bitPattern: value))
        }
    }

    /// How the help overlay writes the key.
    public var label: String {
        switch self {
        case .character(" "): return "space"
        case .character("\u{1B}"): return "Esc"
        case .character("\u{09}"): return "Tab"
        case .character(let c) where c.asciiValue.map({ $0 < 0x20 }) == true:
            return "Ctrl-" + String(UnicodeScalar(c.asciiValue! + 0x40))
        case .character(let c): return String(c)
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .backspace: return "Backspace"
        case .delete: return "Del"
        case .enter: return "Enter"
        case .f1: return "F1"
        case .backTab: return "S-Tab"
        case .other(let code): return "key \(code)"
        }
    }
}
