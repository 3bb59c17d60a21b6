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
        export) replay side by side, stepping in lockstep. With --model, a block-diffusion transcript's \
        official loop is first re-run from the prompt (its forwards) along the recorded steps, each \
        checked against the file (another model or other weights stop with the first step that \
        differs); the scope then replays them without a forward and decodes live past them or after \
        the editing key.
        """
    )

    @Argument(help: "The transcript file; a second one replays beside the first, in lockstep.") var files: [String]
    @Flag(help: "Start paused at step 0 instead of playing.") var paused = false
    @Option(help: "The model that decoded the transcript (name, folder or .gguf): the replay can then branch into a live decode from any step.")
    var model: String?
    @Option(name: .customLong("rerun-steps"), help: "A block-diffusion transcript with --model: re-run (and check) only its first N steps; the decode is live from step N (default: every recorded step).")
    var rerunSteps: Int?
    @OptionGroup var view: ViewOptions

    func validate() throws {
        guard (1...2).contains(files.count) else {
            throw ValidationError("give one transcript, or two to replay side by side (got \(files.count))")
        }
        if model != nil, files.count > 1 {
            throw ValidationError("--model branches one replay into a live decode; give one transcript with it")
        }
        if rerunSteps != nil, model == nil { throw ValidationError("--rerun-steps re-runs a block decode with its model; give --model too") }
        try FlagBounds.check("--rerun-steps", rerunSteps, 0...DecodeLimits.maxSteps)
    }

    func run() async throws {
        // The file first: a missing or broken transcript is the error to report, terminal or not.
        let transcripts = try files.map(TranscriptFile.read)
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
            controller = try await branchable(transcript, model: scopeModel)
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

extension ReplayCommand {
    /// The transcript ready to branch; a block decode's loop is re-run first (its forwards), each
    /// step checked against the file's.
    @MainActor
    private func branchable(_ transcript: Transcript, model: ScopeModel) throws -> ScopeController {
        let isBlock = transcript.header.settings.block != nil
        let count = min(rerunSteps ?? transcript.steps.count, transcript.steps.count)
        if isBlock { fprint("re-running \(count) recorded steps of \(files[0]) with \(model.name)…") }
        defer { if isBlock { fprintInPlace("") } }
        do {
            return try ScopeController.branchable(transcript, model: model, palette: .monochrome, exportDirectory: view.exportDirectory,
                                                  playing: !paused, rerunSteps: count) { step in
                if isBlock { fprintInPlace("step \(step) of \(count)") }
            }
        } catch let error as BlockRerunError {
            throw ReplayCommandError.rerun(file: files[0], error)
        }
    }
}

enum ReplayCommandError: UserFacingError {
    case otherModel(file: String, recorded: ModelIdentity, given: ModelIdentity)
    case rerun(file: String, BlockRerunError)

    var description: String {
        switch self {
        case let .rerun(file, error):
            return "\(file): \(error)"
        case let .otherModel(file, recorded, given):
            return "\(file) was decoded by \(recorded.id) (config \(recorded.configHash)), not by --model \(given.id) (config \(given.configHash)); give the model that decoded it"
        }
    }
}
