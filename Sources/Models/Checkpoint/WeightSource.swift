import Kernels

/// Where an architecture gets its named tensors: a checkpoint on disk or synthetic weights.
/// Implementations keep the memory behind every returned matrix alive as long as they live.
public protocol WeightSource: AnyObject {
    /// A [rows × columns] matrix in its stored precision.
    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix
    /// A small vector (norm weights), converted to Float.
    func vector(_ name: String, count: Int) throws -> [Float]
    func contains(_ name: String) -> Bool
}
