/// A row-major [rows × columns] matrix in its stored precision, read in place from a mapped
/// file or an allocation; never copied to fp32. A PyTorch Linear weight is [out × in].
public struct WeightMatrix: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let rows: Int
    public let columns: Int
    public let dtype: WeightDType

    public init(base: UnsafeRawPointer, rows: Int, columns: Int, dtype: WeightDType) {
        self.base = base
        self.rows = rows
        self.columns = columns
        self.dtype = dtype
    }

    public var byteCount: Int { rows * columns * dtype.byteSize }

    @inline(__always)
    func rowAddress(_ row: Int) -> UnsafeRawPointer {
        base + row * columns * dtype.byteSize
    }

    /// Row `row` as Floats (an embedding lookup).
    public func copyRow(_ row: Int, into destination: UnsafeMutablePointer<Float>) {
        convertToFloat(rowAddress(row), dtype, count: columns, into: destination)
    }

    /// The whole matrix as Floats; only for small tensors such as norm weights.
    public func floats() -> [Float] {
        [Float](unsafeUninitializedCapacity: rows * columns) { buffer, initialized in
            convertToFloat(base, dtype, count: rows * columns, into: buffer.baseAddress!)
            initialized = rows * columns
        }
    }
}
