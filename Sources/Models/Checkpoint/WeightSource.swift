import Kernels

/// Where an architecture gets its named tensors: a checkpoint on disk or synthetic weights.
/// Implementations keep the memory behind every returned matrix alive as long as they live.
public protocol WeightSource: AnyObject {
    /// A [rows × columns] matrix in its stored precision.
    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix
    /// A small vector (norm weights), converted to Float.
    func vector(_ name: String, count: Int) throws -> [Float]
    func contains(_ name: String) -> Bool
    /// `count` [rows × columns] matrices stored as one [count, rows, columns] tensor (llama.cpp's
    /// stacked mixture-of-experts projections), each in its stored precision.
    func stackedMatrices(_ name: String, count: Int, rows: Int, columns: Int) throws -> [WeightMatrix]
}

extension WeightSource {
    /// A source without 3-D tensors serves a stack as one [count·rows × columns] matrix, sliced.
    public func stackedMatrices(_ name: String, count: Int, rows: Int, columns: Int) throws -> [WeightMatrix] {
        try matrix(name, rows: count * rows, columns: columns).slices(count: count)
    }
}

extension WeightMatrix {
    /// Consecutive row blocks of equal height, without copying.
    func slices(count: Int) -> [WeightMatrix] {
        let height = rows / count
        return (0..<count).map { i in
            WeightMatrix(base: base + i * height * rowBytes, rows: height, columns: columns, dtype: dtype)
        }
    }

    /// Rows `range`, without copying.
    func rows(_ range: Range<Int>) -> WeightMatrix {
        WeightMatrix(base: base + range.lowerBound * rowBytes, rows: range.count, columns: columns, dtype: dtype)
    }
}
