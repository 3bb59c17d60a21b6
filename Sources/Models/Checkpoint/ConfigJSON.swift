import Foundation

/// A model folder's `config.json`, read once: its `architectures` and `model_type` pick the
/// architecture (`ArchitectureRegistry`), whose Codable config then decodes it.
public struct ConfigJSON {
    public let path: String
    public let modelType: String
    /// The Hugging Face class names the checkpoint was saved from (`LLaDAModelLM`); may be empty.
    public let architectures: [String]
    private let data: Data

    init(folder: String) throws {
        path = (folder as NSString).appendingPathComponent("config.json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ModelError.missingFile(path: path, hint: "a model folder needs config.json (Hugging Face layout)")
        }
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ModelError.unreadable(path: path, reason: error.localizedDescription)
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            // "Number 1e999 is not representable in Swift." says more than "not in the correct format".
            let detail = (error as NSError).userInfo["NSDebugDescription"] as? String
            throw ModelError.invalidConfig(path: path, problem: "not valid JSON" + (detail.map { " (\($0.prefix(120)))" } ?? ""))
        }
        guard let object = parsed as? [String: Any] else {
            throw ModelError.invalidConfig(path: path, problem: "not a JSON object")
        }
        guard let modelType = object["model_type"] as? String else {
            throw ModelError.invalidConfig(path: path, problem: "no model_type")
        }
        self.modelType = modelType
        architectures = object["architectures"] as? [String] ?? []
    }

    public func decode<Config: Decodable>(_: Config.Type) throws -> Config {
        do { return try JSONDecoder().decode(Config.self, from: data) } catch let DecodingError.keyNotFound(key, _) {
            throw ModelError.invalidConfig(path: path, problem: "missing key \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw ModelError.invalidConfig(path: path, problem: "wrong type for \(context.codingPath.map(\.stringValue).joined(separator: "."))")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            // A fraction where an integer belongs, or a number beyond the field's type.
            let key = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw ModelError.invalidConfig(path: path, problem: "\(key) is not a value this field can hold (sizes and ids are integers, rope_theta and rms_norm_eps finite numbers)")
        } catch {
            // Foundation on Linux names no key for these.
            throw ModelError.invalidConfig(path: path, problem: "a number does not fit its field: sizes and ids must be integers, rope_theta and rms_norm_eps finite numbers within Double and Float")
        }
    }
}
