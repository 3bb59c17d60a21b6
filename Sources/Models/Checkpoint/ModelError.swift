/// Everything that can be wrong with a model folder or checkpoint file. Each message names the
/// file and the problem, so the command line can print it as one line.
public enum ModelError: Error, CustomStringConvertible, Equatable {
    case missingFile(path: String, hint: String)
    case unreadable(path: String, reason: String)
    case invalidSafetensors(path: String, problem: String)
    case invalidGGUF(path: String, problem: String)
    case invalidConfig(path: String, problem: String)
    case unsupportedModelType(path: String, modelType: String)
    case unsupportedArchitecture(path: String, architecture: String)
    case missingTensor(path: String, name: String)
    case tensorShape(path: String, name: String, expected: [Int], found: [Int])
    case unsupportedDType(path: String, name: String, dtype: String)

    /// Every value in the message may come from the file: control characters are escaped, and
    /// long names and the message as a whole are cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case let .missingFile(path, hint):
            "\(path): no such file; \(hint)"
        case let .unreadable(path, reason):
            "\(path): cannot read (\(reason))"
        case let .invalidSafetensors(path, problem):
            "\(path): not a valid safetensors file: \(problem)"
        case let .invalidGGUF(path, problem):
            "\(path): not a valid GGUF file: \(problem)"
        case let .invalidConfig(path, problem):
            "\(path): invalid model config: \(problem)"
        case let .unsupportedModelType(path, modelType):
            "\(path): model_type \"\(modelType.terminalSafe())\" is not supported (supported: \(Self.quoted(ArchitectureRegistry.modelTypes)))"
        case let .unsupportedArchitecture(path, architecture):
            "\(path): GGUF architecture \"\(architecture.terminalSafe())\" is not supported (supported: \(Self.quoted(ArchitectureRegistry.ggufArchitectures)))"
        case let .missingTensor(path, name):
            "\(path): tensor \(name.terminalSafe()) is missing from the checkpoint"
        case let .tensorShape(path, name, expected, found):
            "\(path): tensor \(name.terminalSafe()) has shape \(found), expected \(expected)"
        case let .unsupportedDType(path, name, dtype):
            "\(path): tensor \(name.terminalSafe()) is stored as \(dtype.terminalSafe()); weights must be F32, BF16 or F16 (or Q8_0, Q4_0, Q4_K, Q5_K, Q6_K in GGUF)"
        }
    }

    private static func quoted(_ names: [String]) -> String {
        names.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}
