import ArgumentParser
import Foundation
import TUI

/// How the scope looks and where its exports go: shared by the TUI commands and `dscope export`.
struct ViewOptions: ParsableArguments {
    @Option(help: "Colour theme: default, light, colorblind, a NAME.theme in $XDG_CONFIG_HOME/dscope/themes, or a path to a .theme file.")
    var theme = "default"
    @Flag(name: .customLong("no-color"), help: "Monochrome: heat as ░▒▓█ shading and bold/dim (also when NO_COLOR is set).")
    var noColor = false
    @Option(name: .customLong("export-dir"), help: "Folder for exports (the e key, dscope export): dscope-<yyyyMMdd-HHmmss>.jsonl, .md and .cast; created if missing.")
    var exportDir = "dscope-exports"
    @Option(name: .customLong("entropy-scale"), help: "Top of the heat colours: fixed (ln V, the same in every step and export) or adaptive (the first step's hottest entropy).")
    var entropyScale: EntropyScale = .fixed

    /// The view an export records.
    var scopeOptions: ScopeOptions {
        var options = ScopeOptions()
        options.entropyScale = entropyScale
        return options
    }

    var exportDirectory: URL { URL(fileURLWithPath: (exportDir as NSString).expandingTildeInPath) }

    /// The theme and its warnings as one line, to show in the status bar once the screen is up.
    func loadTheme() throws -> (theme: Theme, warning: String?) {
        let (theme, warnings) = try ThemeLocator.standard().load(self.theme)
        let warning = warnings.isEmpty ? nil
            : "theme \(theme.name.terminalSafe()): " + warnings.map(\.description).joined(separator: "; ")
        return (theme, warning)
    }

    func colorMode(terminalColors: Int) -> ColorMode {
        ColorMode.resolve(noColorFlag: noColor, environment: ProcessInfo.processInfo.environment,
                          terminalColors: terminalColors)
    }
}

extension EntropyScale: ExpressibleByArgument {}
extension ThemeError: UserFacingError {}
extension TerminalError: UserFacingError {}
extension ExportError: UserFacingError {}
