import ArgumentParser
import Decoder
import Foundation
import TUI

/// The `e` key without a terminal: decode, then write the transcript, the summary and the recording.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Decode without the TUI and write the transcript (.jsonl), a summary (.md) and a recording (.cast).",
        discussion: """
        Files go to --export-dir as dscope-<yyyyMMdd-HHmmss>.jsonl, .md and .cast (the e key's names); \
        their paths are printed one per line. The recording replays the decode step by step at --size, \
        one asciicast marker per step. --from exports an existing transcript instead (no model needed).
        """
    )

    @Option(help: "The prompt text; default: the first task of the model's heldout.jsonl.") var prompt: String?
    @Flag(inversion: .prefixedNo, help: "Render the prompt as one user turn of the model's chat template, when it has one.")
    var chat = true
    @Flag(help: "Decode twice, as the c key does: order ar, and --order (confidence when that is ar).") var compare = false
    @Option(name: .customLong("from"), help: "Export this transcript instead of decoding.") var from: String?
    @Option(help: "The recording's terminal size, COLUMNSxROWS.") var size = "120x40"
    @OptionGroup var model: ModelOptions
    @OptionGroup var options: DecodeOptions
    @OptionGroup var view: ViewOptions

    func validate() throws {
        _ = try parsedSize()
        guard let from else { return }
        let ignored = [("--compare", compare), ("--order", options.order != nil)].filter(\.1).map(\.0)
        guard ignored.isEmpty else {
            throw ValidationError("--from \(from) re-exports a recorded decode, so \(ignored.joined(separator: " and ")) cannot apply; drop --from to decode again")
        }
    }

    func run() async throws {
        let (width, height) = try parsedSize()
        let (theme, themeWarning) = try view.loadTheme()
        if let themeWarning { FileHandle.standardError.write(Data("warning: \(themeWarning)\n".utf8)) }
        let panes = try from.map { [ExportPane(transcript: try TranscriptFile.read($0), title: "replay")] }
            ?? decode()
        let palette = Palette(theme: theme, mode: view.colorMode(terminalColors: 256))
        let export = ScopeExport(directory: view.exportDirectory, width: width, height: height, view: view.scopeOptions,
                                 palette: palette)
        let files = try await export.write(panes, at: Date())
        for file in files.all { print(file.path) }
    }

    private func parsedSize() throws -> (Int, Int) {
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, FlagBounds.recordingColumns.contains(parts[0]), FlagBounds.recordingRows.contains(parts[1]) else {
            throw ScopeCommandError.badSize(size)
        }
        return (parts[0], parts[1])
    }

    private func decode() throws -> [ExportPane] {
        let loaded = try model.load()
        let generationLength = try options.generationLength(defaults: loaded.location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength)
        let task = prompt == nil ? try loaded.heldOutTasks().first : nil
        guard let text = prompt ?? task?.prompt else { throw ScopeCommandError.noPrompt(model: loaded.name) }
        let ids = try loaded.promptIds(for: text, chat: chat)
        var orders = [settings.order]
        if compare { orders = [.ar, settings.order == .ar ? .confidence : settings.order] }
        loaded.warnIfBeyondContext(promptLength: ids.count, generationLength: generationLength, allowed: options.allowBeyondContext)
        return try orders.map { order in
            var paneSettings = settings
            paneSettings.order = order
            let session = try DecodeSession(model: loaded.model, promptIds: ids, generationLength: generationLength,
                                            settings: paneSettings, vocabulary: loaded.vocabulary,
                                            allowBeyondContext: options.allowBeyondContext)
            try session.runToEnd()
            let transcript = Transcript(session: session, model: loaded.identity, tool: "dscope \(DScopeVersion.string)",
                                        promptText: text, tokenText: loaded.tokenText, task: task)
            return ExportPane(transcript: transcript, title: order.rawValue)
        }
    }
}
