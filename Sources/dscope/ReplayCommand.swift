import ArgumentParser
import Decoder
import Foundation
import TUI

/// A recorded decode in the same scope, with no model.
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Open a transcript (.jsonl) in the scope and step through it without the model.",
        discussion: """
        Reads a transcript written by the e key, dscope export or dscope decode --transcript. Play, \
        step, go back and export work as in a live decode; changing the order or parallelism needs \
        the model, so decode the prompt live for that.
        """
    )

    @Argument(help: "The transcript file.") var file: String
    @Flag(help: "Start paused at step 0 instead of playing.") var paused = false
    @OptionGroup var view: ViewOptions

    func run() async throws {
        // The file first: a missing or broken transcript is the error to report, terminal or not.
        let transcript = try TranscriptFile.read(file)
        try NcursesTerminal.checkInteractive()
        let (theme, themeWarning) = try view.loadTheme()
        let controller = try await ScopeController.replay(transcript, palette: .monochrome,
                                                          exportDirectory: view.exportDirectory, playing: !paused)
        await controller.announce(themeWarning ?? "replay of \((file as NSString).lastPathComponent) · ? lists the keys")
        await MainActor.run { controller.entropyScale = view.entropyScale }
        let exit = try await ScopeApp.run(controller, theme: theme, colorMode: view.colorMode)
        if exit != .quit { throw ExitCode(exit.exitStatus) }
    }
}
