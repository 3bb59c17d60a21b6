import ArgumentParser

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure kernel and model speed (release builds: swift run -c release dscope bench …).",
        subcommands: [BenchMatmulCommand.self, BenchForwardCommand.self, BenchDecodeCommand.self]
    )
}
