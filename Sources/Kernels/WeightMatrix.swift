/// A row-major [rows × columns] matrix in its stored precision, read in place from a mapped
/// file or an allocation; never copied to fp32. A PyTorch Linear weight is [out × in]. Quantised
/// rows are whole blocks, so `columns` is a multiple of the block length.
public struct WeightMatrix: @unchecked Sendable {
    public let base: UnsafeRawPointer
    public let rows: Int
    public let columns: Int
    public let dtype: WeightDType
    /// Bytes from one row to the next.
    public let rowBytes: Int

    public init(base: UnsafeRawPointer, rows: Int, columns: Int, dtype: WeightDType) {
        precondition(columns % dtype.blockLength == 0,
                     "\(dtype) rows need a multiple of \(dtype.blockLength) columns, not \(columns)")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.dtype = dtype
        rowBytes = dtype.byteCount(values: columns)
    }

    public var byteCount: Int { rows * rowBytes }

    @inline(__always)
    func rowAddress(_ row: Int) -> UnsafeRawPointer {
        base + row * rowBytes
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
