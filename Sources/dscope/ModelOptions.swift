import ArgumentParser
import Decoder
import Foundation
import Kernels
import Models

/// `--model` and `--threads`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "A bundled model name (\(ModelLocation.bundledNames.joined(separator: ", "))) a Hugging Face model folder (config.json + *.safetensors + tokenizer.json), or a GGUF file.")
    var model = ModelLocation.defaultName

    @Option(help: "Worker threads of the forward pass.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Multiply quantised weights (Q8_0, Q4_0, Q4_K, Q5_K, Q6_K) exactly, dequantised to fp32, instead of with int8 activations.")
    var exactMatmul = false

    func validate() throws {
        guard threads > 0 else { throw ValidationError("--threads must be positive") }
    }

    /// The model's location; every command that runs a model resolves it first, so this is also
    /// where the process takes its matmul mode.
    func location() throws -> ModelLocation {
        MatmulMode.current = exactMatmul ? .exact : .int8
        return try ModelLocation(model)
    }

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
