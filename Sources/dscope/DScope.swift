import ArgumentParser
import Foundation
import Models

@main
struct DScope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dscope",
        abstract: "Step a diffusion language model's decode and watch the masked canvas fill in.",
        discussion: """
        DiffusionScope loads LLaDA and Dream checkpoints (Hugging Face folders with config.json, \
        *.safetensors and tokenizer.json, or llama.cpp GGUF files) and shows, step by step, which \
        masked positions get decoded and how uncertain the model was about each of them. With no \
        subcommand it opens the full-screen scope (dscope watch) on the bundled model.
        """,
        version: DScopeVersion.string,
        subcommands: [WatchCommand.self, ReplayCommand.self, ExportCommand.self, DecodeCommand.self,
                      PassKCommand.self, AnalyzeCommand.self, TradeoffCommand.self,
                      InspectCommand.self, TokenizeCommand.self, BenchCommand.self],
        defaultSubcommand: WatchCommand.self
    )
}

extension DScope {
    /// Errors about the user's files print as one `error: <file>: <problem>` line with exit code 1;
    /// usage errors keep ArgumentParser's message and help hint. Any other failure (a Foundation
    /// error, say) is one line too. Messages quote files, so they pass through `terminalSafe`: no
    /// control byte from a file reaches the terminal even where a message forgot to escape it.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as UserFacingError {
            fail("\(error)")
        } catch {
            // Help, version, usage errors and explicit exit codes are ArgumentParser's to print.
            guard exitCode(for: error) == .failure, !(error is ExitCode) else { exit(withError: error) }
            fail(fullMessage(for: error))
        }
    }

    private static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message.terminalSafe(limit: 2_000))\n".utf8))
        Foundation.exit(1)
    }
}

/// Typed errors of the layers below, whose descriptions already name the file and the problem.
protocol UserFacingError: Error, CustomStringConvertible {}
extension ModelError: UserFacingError {}
extension TokenizerError: UserFacingError {}

enum DScopeVersion {
    static let string = "0.1.0"
}
