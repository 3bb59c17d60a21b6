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
        the model, so decode the prompt live for that. Two transcripts (e.g. the two of a compare-mode \
        export) replay side by side, stepping in lockstep.
        """
    )

    @Argument(help: "The transcript file; a second one replays beside the first, in lockstep.") var files: [String]
    @Flag(help: "Start paused at step 0 instead of playing.") var paused = false
    @OptionGroup var view: ViewOptions

    func validate() throws {
        guard (1...2).contains(files.count) else {
            throw ValidationError("give one transcript, or two to replay side by side (got \(files.count))")
        }
    }

    func run() async throws {
        // The file first: a missing or broken transcript is the error to report, terminal or not.
        let transcripts = try files.map(TranscriptFile.read)
        try NcursesTerminal.checkInteractive()
        let (theme, themeWarning) = try view.loadTheme()
        let controller = try await ScopeController.replay(transcripts, palette: .monochrome,
                                                          exportDirectory: view.exportDirectory, playing: !paused)
        let names = files.map { ($0 as NSString).lastPathComponent }
        let greeting = names.count == 1 ? "replay of \(names[0])" : "replay of \(names[0]) (left) and \(names[1]) (right) in lockstep"
        await controller.announce(themeWarning ?? greeting + " · ? lists the keys")
        await MainActor.run { controller.entropyScale = view.entropyScale }
        let exit = try await ScopeApp.run(controller, theme: theme, colorMode: view.colorMode)
        if exit != .quit { throw ExitCode(exit.exitStatus) }
    }
}
