import Foundation

/// Where a model is and in which format: a Hugging Face folder (config.json, *.safetensors,
/// tokenizer.json) or a llama.cpp GGUF file. The one place that turns a path the user gave into a
/// model and its tokenizer.
public enum ModelLocation: Sendable {
    case huggingFaceFolder(String)
    /// Opened once: its metadata describes both the model and the tokenizer.
    case ggufFile(GGUFFile)

    /// A folder is read as Hugging Face layout; a file as GGUF (its magic number is checked).
    public init(path: String) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw ModelError.missingFile(path: path, hint: "give a model folder (Hugging Face layout) or a .gguf file")
        }
        self = isFolder.boolValue ? .huggingFaceFolder(path) : .ggufFile(try GGUFFile(path: path))
    }

    public var path: String {
        switch self {
        case .huggingFaceFolder(let folder): folder
        case .ggufFile(let file): file.path
        }
    }

    /// The model's hyperparameters, without mapping its weights.
    public func config() throws -> LLaDAConfig {
        switch self {
        case .huggingFaceFolder(let folder): try LLaDAConfig.load(folder: folder)
        case .ggufFile(let file): try GGUFHyperparameters.read(file).config
        }
    }

    /// The model, weights memory-mapped in their stored type.
    public func model(threads: Int) throws -> LLaDAModel {
        switch self {
        case .huggingFaceFolder(let folder):
            return try LLaDAModel(folder: folder, threads: threads)
        case .ggufFile(let file):
            let (config, layout) = try GGUFHyperparameters.read(file)
            let weights = try LLaDAWeights(config: config, source: GGUFCheckpoint(file: file), layout: layout)
            return LLaDAModel(config: config, weights: weights, threads: threads)
        }
    }

    public func tokenizer() throws -> BPETokenizer {
        switch self {
        case .huggingFaceFolder(let folder): try BPETokenizer(folder: URL(fileURLWithPath: folder))
        case .ggufFile(let file): try BPETokenizer(gguf: file)
        }
    }
}
