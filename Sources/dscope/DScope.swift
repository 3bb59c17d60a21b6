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

        The bundled model, tiny-arith, answers small arithmetic word problems about one person's \
        count of one kind of item (numbers up to 20, results up to 50) and bare sums; anything else \
        gets "I can only solve small arithmetic word problems." In the scope press n and type, e.g.:
          Mia has 5 apples. She buys 3 more. How many apples does she have now?
          Tom has 12 marbles. He gives 4 to Sam. How many marbles are left?
          What is 7 + 5?
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
    /// usage errors and any other failure (a Foundation error, say) are one line too. Messages quote files, so they pass through `terminalSafe`: no
    /// control byte from a file reaches the terminal even where a message forgot to escape it.
    static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let unknown = unknownCommand(in: arguments) {
            fail("unknown command '\(unknown)'; the commands are \(commandNames.joined(separator: ", ")) (dscope --help describes them)")
        }
        do {
            var command = try parseAsRoot(arguments)
            if var command = command as? AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch let error as UserFacingError {
            fail("\(error)")
        } catch {
            // Help, version and explicit exit codes (a signal's 128 + n) are ArgumentParser's; every
            // other failure, a usage error included, is one line with exit code 1.
            guard exitCode(for: error) != .success, !(error is ExitCode) else { exit(withError: error) }
            var message = message(for: error)
            if message.hasPrefix("Error: ") { message = String(message.dropFirst("Error: ".count)) }
            let firstLine = message.split(separator: "\n").first.map(String.init) ?? message
            fail(firstLine + (exitCode(for: error) == .validationFailure ? " (dscope help \(commandWord(in: arguments)) lists the options)" : ""))
        }
    }

    /// The command a usage error belongs to, for its help hint.
    private static func commandWord(in arguments: [String]) -> String {
        arguments.first.flatMap { commandNames.contains($0) ? $0 : nil } ?? "watch"
    }

    static var commandNames: [String] {
        configuration.subcommands.map { $0._commandName }
    }

    /// A first word that is neither an option nor a command (`dscope foo`, `dscope help foo`):
    /// without this the default command, watch, would take it and answer with its own usage.
    static func unknownCommand(in arguments: [String]) -> String? {
        var words = arguments
        if words.first == "help" { words.removeFirst() }
        guard let first = words.first, !first.hasPrefix("-") else { return nil }
        return commandNames.contains(first) || first == "help" ? nil : first
    }

    static func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message.terminalSafe(limit: 2_000))\n".utf8))
        Foundation.exit(1)
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
