import ArgumentParser
import Decoder
import Foundation
import Models
import TUI

/// What `dscope` alone runs: the full-screen scope on a live decode.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Open the full-screen scope on a live decode (what dscope with no subcommand does).",
        discussion: """
        Steps the decode of one prompt (default: a random held-out task of the model) and shows the \
        canvas filling in, the entropy of every mask and the steps × positions waterfall. Press ? for \
        the keys. Needs a terminal; for a decode without one use dscope decode or dscope export.
        """
    )

    @Option(help: "The prompt text; default: a random task of the model's heldout.jsonl.") var prompt: String?
    @Option(name: .customLong("prompt-ids"), help: "The prompt as comma-separated token ids, e.g. 1,2,3 (no tokenizer needed).")
    var promptIds: String?
    @Flag(inversion: .prefixedNo, help: "Render the prompt as one user turn of the model's chat template, when it has one.")
    var chat = true
    @Flag(help: "Start paused at step 0 instead of playing.") var paused = false
    @OptionGroup var model: ModelOptions
    @OptionGroup var options: DecodeOptions
    @OptionGroup var blockOptions: BlockDecodeOptions
    @OptionGroup var view: ViewOptions

    func run() async throws {
        try NcursesTerminal.checkInteractive()
        let (theme, themeWarning) = try view.loadTheme()
        let loaded = try model.load()
        let defaults = try loaded.location.generationDefaults
        var settings = DecodeSettings()
        var blockSettings: BlockDecodeSettings?
        // A block-diffusion model decodes by its family's official loop (the flags of dscope decode).
        if let blockModel = loaded.model as? BlockDiffusionModel, blockModel.isBlockDiffusion {
            blockSettings = try blockOptions.settings(model: blockModel, architecture: loaded.configuration?.architecture.name,
                                                      options: options, defaults: defaults, eosId: loaded.vocabulary.eosId)
        } else {
            settings = try options.settings(generationLength: options.generationLength(defaults: defaults))
        }
        let generationLength = options.generationLength(defaults: defaults)
        var scopeModel = try loaded.scopeModel(generationLength: generationLength, chat: chat)
        scopeModel.allowsBeyondContext = options.allowBeyondContext
        scopeModel.blockSettings = blockSettings
        let ids = try promptIds.map(DecodeCommand.parseIds)
        let task = prompt == nil && ids == nil ? scopeModel.tasks.randomElement() : nil
        guard let text = prompt ?? task?.prompt ?? ids?.map(String.init).joined(separator: " ") else {
            throw ScopeCommandError.noPrompt(model: loaded.name)
        }
        if prompt != nil, ids != nil { throw DecodeCommandError.promptSource }
        let controller = try await ScopeController.live(model: scopeModel, prompt: text, promptIds: ids, task: task,
                                                        settings: settings, palette: .monochrome,
                                                        exportDirectory: view.exportDirectory, playing: !paused)
        let greeting = task.map { "held-out task \($0.id): the status bar checks its answer · ? lists the keys" }
            ?? "? lists the keys"
        await controller.announce(themeWarning ?? greeting)
        await MainActor.run { controller.entropyScale = view.entropyScale }
        let exit = try await ScopeApp.run(controller, theme: theme, colorMode: view.colorMode)
        if exit != .quit { throw ExitCode(exit.exitStatus) }
    }
}

enum ScopeCommandError: UserFacingError {
    case noPrompt(model: String)
    case badSize(String)

    var description: String {
        switch self {
        case let .noPrompt(model):
            return "\(model) has no heldout.jsonl to pick a task from; pass --prompt TEXT"
        case let .badSize(size):
            return "--size \(size): give COLUMNSxROWS, e.g. 120x40 (40x12 to 1000x1000)"
        }
    }
}
