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

    /// Resolves `nameOrPath` (e.g. `light`, `~/my.theme`) to a file path.
    public func locate(_ nameOrPath: String) throws(ThemeError) -> String {
        let expanded = (nameOrPath as NSString).expandingTildeInPath
        if expanded.contains("/") || expanded.hasSuffix(".theme") {
            guard FileManager.default.isReadableFile(atPath: expanded) else {
                throw ThemeError.notFound(name: nameOrPath, searched: [expanded])
            }
            return expanded
        }
        let candidates = directories.map { $0 + "/" + expanded + ".theme" }
        guard let found = candidates.first(where: FileManager.default.isReadableFile(atPath:)) else {
            throw ThemeError.notFound(name: nameOrPath, searched: directories)
        }
        return found
    }

    /// Locates and parses a theme; warnings are returned for the caller to show.
    public func load(_ nameOrPath: String) throws(ThemeError) -> (theme: Theme, warnings: [ThemeWarning]) {
        let path = try locate(nameOrPath)
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ThemeError.unreadable(path: path, reason: error.localizedDescription)
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
