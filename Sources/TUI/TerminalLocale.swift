import CNcursesw

/// The process locale that both ncurses and our layout need: a UTF-8 `LC_CTYPE`.
///
/// `wcwidth` answers −1 for every non-ASCII character in the "C" locale, so widths are only right
/// once this has run; C.UTF-8 is the one UTF-8 locale a bare Debian image is sure to have.
public enum TerminalLocale {
    /// Runs `setlocale(LC_ALL, "")` once, falling back to C.UTF-8 for `LC_CTYPE`; true when UTF-8.
    public static func prepare() -> Bool { prepared }

    private static let prepared: Bool = {
        setlocale(LC_ALL, "")
        if codesetIsUTF8 { return true }
        setlocale(LC_CTYPE, "C.UTF-8")
        return codesetIsUTF8
    }()

    private static var codesetIsUTF8: Bool {
        let name = String(cString: nl_langinfo(nl_item(CODESET))).uppercased()
        return name == "UTF-8" || name == "UTF8"
    }
}
