import ArgumentParser
import Decoder
import Foundation
import Models

/// `--model` and `--threads`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "A bundled model name (\(ModelLocation.bundledNames.joined(separator: ", "))) a Hugging Face model folder (config.json + *.safetensors + tokenizer.json), or a GGUF file.")
    var model = ModelLocation.defaultName

    @Option(help: "Worker threads of the forward pass.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        try FlagBounds.check("--threads", threads, FlagBounds.threads)
    }

    func location() throws -> ModelLocation { try ModelLocation(model) }

    /// The model's tokenizer, or nil when its folder has no tokenizer.json.
    func tokenText(_ location: ModelLocation) throws -> TokenizerText? {
        switch location.format {
        case .huggingFaceFolder(let folder):
            guard location.companionFile("tokenizer.json") != nil else { return nil }
            return try TokenizerText(folder: URL(fileURLWithPath: folder))
        case .ggufFile:
            return try location.tokenizer().map { TokenizerText(tokenizer: $0, tokenizerId: location.path) }
        }
    }
}
