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
                      InspectCommand.self, TokenizeCommand.self, LogitsCommand.self, BenchCommand.self],
        defaultSubcommand: WatchCommand.self
    )
}

extension DScope {
    /// Errors about the user's files print as one `error: <file>: <problem>` line with exit code 1;
    /// usage errors keep ArgumentParser's message and help hint.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as UserFacingError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}

/// Typed errors of the layers below, whose descriptions already name the file and the problem.
protocol UserFacingError: Error, CustomStringConvertible {}
extension ModelError: UserFacingError {}
extension TokenizerError: UserFacingError {}
extension ForwardError: UserFacingError {}
extension NPYError: UserFacingError {}

enum DScopeVersion {
    static let string = "0.1.0"
}
