import Foundation
import Kernels

/// What `--model` names, and the one place that turns it into a model and its tokenizer: a model
/// bundled with dscope (by name), a Hugging Face folder (config.json, *.safetensors,
/// tokenizer.json) or a llama.cpp GGUF file.
public struct ModelLocation: Sendable {
    /// The model `dscope` opens when none is named.
    public static let defaultName = "tiny-arith"
    public static let bundledNames = ["tiny-arith"]

    public enum Format: Sendable {
        case huggingFaceFolder(String)
        /// Opened once: its metadata describes both the model and the tokenizer.
        case ggufFile(GGUFFile)
    }

    public let format: Format
    /// How the model is called in transcripts and the status bar.
    public let name: String

    /// A bundled model name, a folder (Hugging Face layout) or a file (GGUF; its magic is checked).
    public init(_ argument: String) throws {
        if Self.bundledNames.contains(argument),
           let bundled = Bundle.module.url(forResource: argument, withExtension: nil) {
            format = .huggingFaceFolder(bundled.path)
            name = argument
            return
        }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
            throw ModelError.missingFile(
                path: argument,
                hint: "give a model folder (Hugging Face layout), a .gguf file, or a bundled model name (\(Self.bundledNames.joined(separator: ", ")))")
        }
        format = isFolder.boolValue ? .huggingFaceFolder(argument) : .ggufFile(try GGUFFile(path: argument))
        name = (argument as NSString).standardizingPath
    }

    public var path: String {
        switch format {
        case .huggingFaceFolder(let folder): folder
        case .ggufFile(let file): file.path
        }
    }

    /// The model's architecture and hyperparameters, without mapping its weights.
    public func configuration() throws -> ModelConfiguration {
        switch format {
        case .huggingFaceFolder(let folder): try ArchitectureRegistry.configuration(folder: folder)
        case .ggufFile(let file): try GGUFHyperparameters.configuration(file)
        }
    }

    /// The model its architecture builds, weights memory-mapped in their stored type.
    public func model(threads: Int) throws -> TransformerModel {
        try model(configuration(), threads: threads, quantizingTo: nil)
    }

    /// The model of an already read `configuration` of this location.
    public func model(_ configuration: ModelConfiguration, threads: Int) throws -> TransformerModel {
        try model(configuration, threads: threads, quantizingTo: nil)
    }

    /// The model with its float matrices quantised to `dtype` (`QuantizedWeights.types`) as they
    /// load; nil keeps the stored types.
    public func model(threads: Int, quantizingTo dtype: WeightDType?) throws -> TransformerModel {
        try model(configuration(), threads: threads, quantizingTo: dtype)
    }

    public func model(_ configuration: ModelConfiguration, threads: Int,
                      quantizingTo dtype: WeightDType?) throws -> TransformerModel {
        var source: WeightSource
        switch format {
        case .huggingFaceFolder(let folder): source = try SafetensorsCheckpoint(folder: folder)
        case .ggufFile(let file): source = GGUFCheckpoint(file: file)
        }
        if let dtype { source = QuantizedWeights(source, dtype: dtype) }
        let model = try configuration.model(source: source, threads: threads)
        model.name = name
        return model
    }

    /// The tokenizer; nil for a folder without tokenizer.json (ids can still be given directly).
    public func tokenizer() throws -> BPETokenizer? {
        switch format {
        case .huggingFaceFolder(let folder):
            let url = URL(fileURLWithPath: folder)
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent("tokenizer.json").path) else {
                return nil
            }
            return try BPETokenizer(folder: url)
        case .ggufFile(let file):
            return try BPETokenizer(gguf: file)
        }
    }

    /// A file shipped beside the model (heldout.jsonl, generation_config.json); nil for GGUF.
    public func companionFile(_ fileName: String) -> String? {
        guard case .huggingFaceFolder(let folder) = format else { return nil }
        let path = (folder as NSString).appendingPathComponent(fileName)
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The decode defaults a model ships in generation_config.json (gen_length, block_length),
    /// each an integer in 1…ModelBounds.maxGenerationLength when present.
    public var generationDefaults: GenerationDefaults {
        get throws {
            guard let path = companionFile("generation_config.json") else { return GenerationDefaults() }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ModelError.unreadable(path: path, reason: "permission denied or not a regular file")
            }
            struct Lengths: Decodable {
                var gen_length: Int?
                var block_length: Int?
            }
            /// Qwen-style `eos_token_id`, one id or a list (SDAR's stop ids).
            struct StopIds: Decodable {
                var ids: [Int]?
                enum CodingKeys: String, CodingKey { case eos = "eos_token_id" }
                init(from decoder: Decoder) throws {
                    let c = try decoder.container(keyedBy: CodingKeys.self)
                    ids = (try? c.decodeIfPresent([Int].self, forKey: .eos)) ?? (try? c.decodeIfPresent(Int.self, forKey: .eos)).flatMap { $0.map { [$0] } }
                }
            }
            let lengths: Lengths
            do { lengths = try JSONDecoder().decode(Lengths.self, from: data) } catch {
                // A key at fault is named: a string, a bool, a fraction or an integer beyond Int.
                let key = Self.codingPath(of: error).first?.stringValue
                throw ModelError.invalidConfig(path: path, problem: key.map {
                    "\($0) must be an integer in 1…\(ModelBounds.maxGenerationLength)"
                } ?? "not a JSON object whose gen_length and block_length are integers in 1…\(ModelBounds.maxGenerationLength)")
            }
            for (key, value) in [("gen_length", lengths.gen_length), ("block_length", lengths.block_length)] {
                if let value, let problem = ModelBounds.check(key, value, 1...ModelBounds.maxGenerationLength) {
                    throw ModelError.invalidConfig(path: path, problem: problem)
                }
            }
            let stops = try? JSONDecoder().decode(StopIds.self, from: data)
            return GenerationDefaults(generationLength: lengths.gen_length, blockLength: lengths.block_length,
                                      stopIds: stops?.ids)
        }
    }

    private static func codingPath(of error: Error) -> [CodingKey] {
        switch error {
        case let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context),
             let DecodingError.dataCorrupted(context):
            return context.codingPath
        case let DecodingError.keyNotFound(key, context):
            return context.codingPath + [key]
        default:
            return []
        }
    }
}

/// Per-model decode defaults; nil where the model says nothing.
public struct GenerationDefaults: Equatable, Sendable {
    public var generationLength: Int?
    public var blockLength: Int?
    /// `eos_token_id` (one id or several): block-diffusion decodes stop on them.
    public var stopIds: [Int]?

    public init(generationLength: Int? = nil, blockLength: Int? = nil, stopIds: [Int]? = nil) {
        self.generationLength = generationLength
        self.blockLength = blockLength
        self.stopIds = stopIds
    }
}
