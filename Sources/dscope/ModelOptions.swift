import ArgumentParser
import Decoder
import Foundation
import Kernels
import Models
import Remote

/// `--model` and `--threads`, shared by every command that runs a model.
struct ModelOptions: ParsableArguments {
    @Option(help: "A bundled model name (\(ModelLocation.bundledNames.joined(separator: ", "))) a Hugging Face model folder (config.json + *.safetensors + tokenizer.json), a GGUF file, or a dscope-server address (http://127.0.0.1:8765).")
    var model = ModelLocation.defaultName

    @Option(name: .customLong("server-token"), help: "Bearer token of a dscope-server (default: $DSCOPE_SERVER_TOKEN).")
    var serverToken: String?

    @Option(name: .customLong("server-timeout"), help: "Seconds to wait for a dscope-server's answer to one step.")
    var serverTimeout: Double = 300

    @Option(help: "Worker threads of the forward pass.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var matmulMode: MatmulOptions

    @Option(help: "Quantise a float checkpoint's matrices as it loads: q8_0 or q4_0 (llama.cpp's blocks; for models without a GGUF conversion, such as SDAR/TraDo).")
    var weights: WeightDType?

    func validate() throws {
        try FlagBounds.check("--threads", threads, FlagBounds.threads)
        if weights != nil && isRemote { throw ValidationError("--weights quantises a local checkpoint; a dscope-server loads its own") }
        guard serverTimeout > 0, serverTimeout.isFinite else { throw ValidationError("--server-timeout must be a positive number of seconds") }
    }

    var isRemote: Bool { model.hasPrefix("http://") || model.hasPrefix("https://") }

    /// The server `--model` names, connected (its health read); nil for a local model.
    func remoteModel() throws -> RemoteModel? {
        guard isRemote else { return nil }
        let token = serverToken ?? ProcessInfo.processInfo.environment["DSCOPE_SERVER_TOKEN"]
        return try RemoteModel(address: model, token: token, timeout: serverTimeout)
    }

    /// The model's location; every command that runs a model resolves it first, so this is also
    /// where the process takes its matmul mode.
    func location() throws -> ModelLocation {
        matmulMode.apply()
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
