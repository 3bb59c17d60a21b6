import Kernels

/// The tensors of a GGUF file as a WeightSource, by their GGUF names (`blk.0.attn_q.weight`).
/// Matrices stay in the file in their stored type; norm vectors are converted to Float.
public final class GGUFCheckpoint: WeightSource, @unchecked Sendable {
    public let file: GGUFFile

    public init(file: GGUFFile) {
        self.file = file
    }

    public func contains(_ name: String) -> Bool { file.tensor(name) != nil }

    public func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        let tensor = try lookup(name, shape: [rows, columns])
        return WeightMatrix(base: tensor.bytes.baseAddress!, rows: rows, columns: columns,
                            dtype: try dtype(of: tensor))
    }

    public func stackedMatrices(_ name: String, count: Int, rows: Int, columns: Int) throws -> [WeightMatrix] {
        let tensor = try lookup(name, shape: [count, rows, columns])
        return WeightMatrix(base: tensor.bytes.baseAddress!, rows: count * rows, columns: columns,
                            dtype: try dtype(of: tensor)).slices(count: count)
    }

    public func vector(_ name: String, count: Int) throws -> [Float] {
        let tensor = try lookup(name, shape: [count])
        let dtype = try dtype(of: tensor)
        guard !dtype.isQuantized else {
            throw ModelError.unsupportedDType(path: file.path, name: name, dtype: tensor.type.name)
        }
        return WeightMatrix(base: tensor.bytes.baseAddress!, rows: 1, columns: count, dtype: dtype).floats()
    }

    private func lookup(_ name: String, shape: [Int]) throws -> GGUFTensor {
        guard let tensor = file.tensor(name) else { throw ModelError.missingTensor(path: file.path, name: name) }
        guard tensor.shape == shape else {
            throw ModelError.tensorShape(path: file.path, name: name, expected: shape, found: tensor.shape)
        }
        return tensor
    }

    private func dtype(of tensor: GGUFTensor) throws -> WeightDType {
        guard let dtype = tensor.type.weightDType else {
            throw ModelError.unsupportedDType(path: file.path, name: tensor.name, dtype: tensor.type.name)
        }
        return dtype
    }
}
