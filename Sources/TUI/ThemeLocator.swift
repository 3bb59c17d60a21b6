import Foundation
import Models

/// Why a theme could not be loaded.
public enum ThemeError: Error, Equatable, CustomStringConvertible {
    case notFound(name: String, searched: [String])
    case unreadable(path: String, reason: String)

    /// Values read from files are escaped and the message cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case .notFound(let name, let searched) where name.contains("/") || name.hasSuffix(".theme"):
            return "theme file \(searched.joined(separator: ", ")) does not exist; give the path of a .theme file or a theme name such as light"
        case .notFound(let name, let searched):
            return "theme \"\(name)\" not found; looked in: \(searched.joined(separator: ", ")). "
                + "Pass a path to a .theme file, or put \(name).theme in one of those folders."
        case .unreadable(let path, let reason):
            return "cannot read theme \(path): \(reason)"
        }
    }
}

/// Finds theme files: an explicit path, then `$XDG_CONFIG_HOME/dscope/themes`, then the bundled
/// `themes/` folder (next to the executable, in `../share/dscope/themes`, or in the source checkout).
public struct ThemeLocator: Sendable {
    public var directories: [String]

    public init(directories: [String]) { self.directories = directories }

    /// The standard search path for this process.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeLocator {
        var directories: [String] = []
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            directories.append(config + "/dscope/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            directories.append(home + "/.config/dscope/themes")
        }
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath().deletingLastPathComponent() {
            directories.append(executable.appendingPathComponent("themes").path)
            directories.append(executable.appendingPathComponent("../share/dscope/themes").standardized.path)
        }
        directories.append(bundledSourceDirectory)
        return ThemeLocator(directories: directories)
    }

    /// `themes/` of the checkout this file was compiled from: what `swift run` finds.
    public static var bundledSourceDirectory: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../themes").standardized.path
    }

    /// Resolves `nameOrPath` (e.g. `light`, `~/my.theme`) to a file path. A file that is there
    /// but cannot be read (permissions, a directory, a symbolic link loop) is named as such.
    public func locate(_ nameOrPath: String) throws(ThemeError) -> String {
        let expanded = (nameOrPath as NSString).expandingTildeInPath
        if expanded.contains("/") || expanded.hasSuffix(".theme") {
            switch ThemeFile.status(expanded) {
            case .readable: return expanded
            case .missing: throw ThemeError.notFound(name: nameOrPath, searched: [expanded])
            case .unreadable(let reason): throw ThemeError.unreadable(path: expanded, reason: reason)
            }
        }
        for candidate in directories.map({ $0 + "/" + expanded + ".theme" }) {
            switch ThemeFile.status(candidate) {
            case .readable: return candidate
            case .missing: continue
            case .unreadable(let reason): throw ThemeError.unreadable(path: candidate, reason: reason)
            }
        }
        throw ThemeError.notFound(name: nameOrPath, searched: directories)
    }

    /// Locates and parses a theme; warnings are returned for the caller to show.
    public func load(_ nameOrPath: String) throws(ThemeError) -> (theme: Theme, warnings: [ThemeWarning]) {
        let path = try locate(nameOrPath)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError.unreadable(path: path, reason: "the file could not be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError.unreadable(path: path, reason: "not UTF-8 text")
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return ThemeParser.parse(text, name: name)
    }

    /// Names of every theme found on the search path, first occurrence wins.
    public func availableThemes() -> [String] {
        var names: [String] = []
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            for file in files.sorted() where file.hasSuffix(".theme") {
                let name = String(file.dropLast(".theme".count))
                if !names.contains(name) { names.append(name) }
            }
        }
        return names
    }
}

/// Whether a theme path can be read, in the words a user needs (Foundation's errors say
/// "NSCocoaErrorDomain error 256" for a directory and "no such file" for a link loop).
enum ThemeFile {
    enum Status: Equatable {
        case readable
        case missing
        case unreadable(String)
    }

    static func status(_ path: String) -> Status {
        var info = stat()
        guard stat(path, &info) == 0 else {
            let error = errno
            if error == ENOENT || error == ENOTDIR {
                return lstat(path, &info) == 0 ? .unreadable("a symbolic link to a file that does not exist") : .missing
            }
            return .unreadable(error == ELOOP ? "a symbolic link loop" : String(cString: strerror(error)))
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .unreadable("a directory, not a theme file")
        case S_IFREG: break
        default: return .unreadable("not a regular file")
        }
        guard access(path, R_OK) == 0 else { return .unreadable(String(cString: strerror(errno))) }
        return .readable
    }
}
