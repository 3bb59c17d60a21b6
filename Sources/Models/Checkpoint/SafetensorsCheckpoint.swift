import Foundation
import Kernels

/// The safetensors weights of a Hugging Face model folder: a single `model.safetensors`, or shards
/// listed in `model.safetensors.index.json` (its `weight_map` names the file of every tensor).
public final class SafetensorsCheckpoint: WeightSource, @unchecked Sendable {
    public let folder: String
    public let files: [SafetensorsFile]
    private let fileOfTensor: [String: SafetensorsFile]

    public init(folder: String) throws {
        self.folder = folder
        let indexPath = (folder as NSString).appendingPathComponent("model.safetensors.index.json")
        let singlePath = (folder as NSString).appendingPathComponent("model.safetensors")
        let fileManager = FileManager.default
        if fileManager.fileExists(atPath: indexPath) {
            let shardNames = try Self.shardNames(indexPath: indexPath)
            var opened: [String: SafetensorsFile] = [:]
            for shard in Set(shardNames.values).sorted() {
                opened[shard] = try SafetensorsFile(path: (folder as NSString).appendingPathComponent(shard))
            }
            var fileOfTensor: [String: SafetensorsFile] = [:]
            for (tensor, shard) in shardNames {
                guard let file = opened[shard], file.tensors[tensor] != nil else {
                    throw ModelError.missingTensor(path: (folder as NSString).appendingPathComponent(shard), name: tensor)
                }
                fileOfTensor[tensor] = file
            }
            files = opened.keys.sorted().map { opened[$0]! }
            self.fileOfTensor = fileOfTensor
        } else if fileManager.fileExists(atPath: singlePath) {
            let file = try SafetensorsFile(path: singlePath)
            files = [file]
            fileOfTensor = Dictionary(uniqueKeysWithValues: file.tensors.keys.map { ($0, file) })
        } else {
            throw ModelError.missingFile(
                path: singlePath,
                hint: "a model folder needs model.safetensors or model.safetensors.index.json with its shards")
        }
    }

    public var parameterCount: Int {
        files.reduce(0) { $0 + $1.tensors.values.reduce(0) { $0 + $1.elementCount } }
    }

    /// How many tensors are stored in each dtype.
    public var dtypeCounts: [SafetensorsDType: Int] {
        var counts: [SafetensorsDType: Int] = [:]
        for file in files {
            for tensor in file.tensors.values { counts[tensor.dtype, default: 0] += 1 }
        }
        return counts
    }

    public func contains(_ name: String) -> Bool { fileOfTensor[name] != nil }

    public func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        let (tensor, path) = try lookup(name)
        guard tensor.shape == [rows, columns] else {
            throw ModelError.tensorShape(path: path, name: name, expected: [rows, columns], found: tensor.shape)
        }
        return WeightMatrix(base: tensor.bytes.baseAddress!, rows: rows, columns: columns,
                            dtype: try weightDType(tensor, path: path))
    }

    public func vector(_ name: String, count: Int) throws -> [Float] {
        let (tensor, path) = try lookup(name)
        guard tensor.shape == [count] else {
            throw ModelError.tensorShape(path: path, name: name, expected: [count], found: tensor.shape)
        }
        let values = WeightMatrix(base: tensor.bytes.baseAddress!, rows: 1, columns: count,
                                  dtype: try weightDType(tensor, path: path))
        return values.floats()
    }

    private func lookup(_ name: String) throws -> (SafetensorsTensor, String) {
        guard let file = fileOfTensor[name], let tensor = file.tensors[name] else {
            throw ModelError.missingTensor(path: files.count == 1 ? files[0].path : folder, name: name)
        }
        return (tensor, file.path)
    }

    private func weightDType(_ tensor: SafetensorsTensor, path: String) throws -> WeightDType {
        switch tensor.dtype {
        case .F32: .f32
        case .BF16: .bf16
        case .F16: .f16
        default: throw ModelError.unsupportedDType(path: path, name: tensor.name, dtype: tensor.dtype.rawValue)
        }
    }

    private static func shardNames(indexPath: String) throws -> [String: String] {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: indexPath)) } catch {
            throw ModelError.unreadable(path: indexPath, reason: error.localizedDescription)
        }
        guard let index = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any],
              let weightMap = index["weight_map"] as? [String: String] else {
            throw ModelError.invalidSafetensors(path: indexPath, problem: "index has no weight_map object")
        }
        for shard in Set(weightMap.values) where shard.contains("/") || shard.hasPrefix(".") {
            throw ModelError.invalidSafetensors(path: indexPath, problem: "shard name \(shard) leaves the model folder")
        }
        return weightMap
    }
}
