import ArgumentParser

@main
struct DScope: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dscope",
        abstract: "Step a diffusion language model's decode and watch the masked canvas fill in.",
        discussion: """
        DiffusionScope loads LLaDA-architecture checkpoints (Hugging Face folders with config.json, \
        *.safetensors and tokenizer.json) and shows, step by step, which masked positions get decoded \
        and how uncertain the model was about each of them.
        """,
        version: DScopeVersion.string,
        subcommands: [InspectCommand.self, TokenizeCommand.self, BenchCommand.self]
    )
}

enum DScopeVersion {
    static let string = "0.1.0"
}
