import Foundation

/// What `--model` names: a model bundled with dscope (by name) or a Hugging Face folder (by path).
public struct ModelLocation: Equatable, Sendable {
    /// The model `dscope` opens when none is named.
    public static let defaultName = "tiny-arith"
    public static let bundledNames = ["tiny-arith"]

    /// The folder holding config.json, the weights and the tokenizer files.
    public let folder: String
    /// How the model is called in transcripts and the status bar.
    public let name: String

    public init(_ argument: String) throws {
        if Self.bundledNames.contains(argument), let bundled = Self.bundledFolder(argument) {
            folder = bundled
            name = argument
            return
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
            throw ModelError.missingFile(
                path: argument,
                hint: "give a model folder (config.json + *.safetensors) or a bundled model name (\(Self.bundledNames.joined(separator: ", ")))")
        }
        guard isDirectory.boolValue else {
            throw ModelError.unreadable(path: argument, reason: "not a folder; a model is a folder with config.json and *.safetensors")
        }
        folder = argument
        name = (argument as NSString).standardizingPath
    }

    public func file(_ name: String) -> String {
        (folder as NSString).appendingPathComponent(name)
    }

    /// The decode defaults a model ships in generation_config.json (gen_length, steps, block_length).
    public var generationDefaults: GenerationDefaults {
        guard let data = FileManager.default.contents(atPath: file("generation_config.json")),
              let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return GenerationDefaults()
        }
        return GenerationDefaults(generationLength: object["gen_length"] as? Int,
                                  blockLength: object["block_length"] as? Int)
    }

    private static func bundledFolder(_ name: String) -> String? {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil) else { return nil }
        return url.path
    }
}

/// Per-model decode defaults; nil where the model says nothing.
public struct GenerationDefaults: Equatable, Sendable {
    public var generationLength: Int?
    public var blockLength: Int?

    public init(generationLength: Int? = nil, blockLength: Int? = nil) {
        self.generationLength = generationLength
        self.blockLength = blockLength
    }
}
