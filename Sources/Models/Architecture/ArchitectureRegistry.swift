/// Every architecture dscope runs. Adding one is its own folder plus one line here.
public enum ArchitectureRegistry {
    public static let all: [any ModelArchitecture] = [
        LLaDAArchitecture(),
        DreamArchitecture(),
        LLaDAMoEArchitecture(),
        LLaDA2Architecture(),
        SDARArchitecture(),
        FastDLLMv2Architecture(),
    ]

    /// The architecture of a config.json: by its `architectures` class names first, then by
    /// `model_type`.
    public static func architecture(of json: ConfigJSON) throws -> any ModelArchitecture {
        if let match = all.first(where: { !Set($0.huggingFaceArchitectures).isDisjoint(with: json.architectures) }) {
            return match
        }
        if let match = all.first(where: { $0.modelTypes.contains(json.modelType.lowercased()) }) {
            return match
        }
        throw ModelError.unsupportedModelType(path: json.path, modelType: json.modelType)
    }

    /// The architecture llama.cpp calls `name` in `general.architecture`, nil when none here is.
    public static func architecture(gguf name: String) -> (any ModelArchitecture)? {
        all.first { $0.ggufArchitecture == name }
    }

    /// The model types config.json may name, for error messages.
    public static var modelTypes: [String] { all.flatMap(\.modelTypes) }

    /// The GGUF architectures, for error messages.
    public static var ggufArchitectures: [String] { all.compactMap(\.ggufArchitecture) }

    /// Reads `folder/config.json` into the configuration of its architecture.
    public static func configuration(folder: String) throws -> ModelConfiguration {
        let json = try ConfigJSON(folder: folder)
        return try architecture(of: json).configuration(json)
    }
}
