import ArgumentParser
import Decoder
import Models
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
    @Option(help: "The model that decoded the transcript (name, folder or .gguf): the replay can then branch into a live decode from any step.")
    var model: String?
    @OptionGroup var view: ViewOptions

    func validate() throws {
        guard (1...2).contains(files.count) else {
            throw ValidationError("give one transcript, or two to replay side by side (got \(files.count))")
        }
        if model != nil, files.count > 1 {
            throw ValidationError("--model branches one replay into a live decode; give one transcript with it")
        }
    }

    func run() async throws {
        // The file first: a missing or broken transcript is the error to report, terminal or not.
        let transcripts = try files.map(TranscriptFile.read)
        // A block loop's state (its counters) is not in the records, so it cannot branch from one.
        if model != nil, transcripts[0].header.settings.block != nil { throw ReplayCommandError.blockDecode(file: files[0]) }
        try NcursesTerminal.checkInteractive()
        let (theme, themeWarning) = try view.loadTheme()
        let controller: ScopeController
        if let model {
            let transcript = transcripts[0]
            let loaded = try ModelOptions.parse(["--model", model]).load()
            guard loaded.identity.configHash == transcript.header.model.configHash else {
                throw ReplayCommandError.otherModel(file: files[0], recorded: transcript.header.model, given: loaded.identity)
            }
            let scopeModel = try loaded.scopeModel(generationLength: transcript.header.generationLength, chat: true)
            controller = try await ScopeController.branchable(transcript, model: scopeModel, palette: .monochrome,
                                                              exportDirectory: view.exportDirectory, playing: !paused)
        } else {
            controller = try await ScopeController.replay(transcripts, palette: .monochrome,
                                                          exportDirectory: view.exportDirectory, playing: !paused)
        }
        let names = files.map { ($0 as NSString).lastPathComponent }
        var greeting = names.count == 1 ? "replay of \(names[0])" : "replay of \(names[0]) (left) and \(names[1]) (right) in lockstep"
        if model != nil { greeting += "; settings keys branch it into a live decode" }
        await controller.announce(themeWarning ?? greeting + " · ? lists the keys")
        await MainActor.run { controller.entropyScale = view.entropyScale }
        let exit = try await ScopeApp.run(controller, theme: theme, colorMode: view.colorMode)
        if exit != .quit { throw ExitCode(exit.exitStatus) }
    }
}

enum ReplayCommandError: UserFacingError {
    case otherModel(file: String, recorded: ModelIdentity, given: ModelIdentity)
    case blockDecode(file: String)

    var description: String {
        switch self {
        case let .blockDecode(file):
            return "\(file) is a block-diffusion decode: replay it without --model, or decode the prompt live with dscope --model … --prompt-ids …"
        case let .otherModel(file, recorded, given):
            return "\(file) was decoded by \(recorded.id) (config \(recorded.configHash)), not by --model \(given.id) (config \(given.configHash)); give the model that decoded it"
        }
    }
}
