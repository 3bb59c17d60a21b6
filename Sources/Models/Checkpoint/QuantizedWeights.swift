import Foundation
import Kernels

/// A float checkpoint's matrices quantised when they are loaded (`--weights q8_0` or `q4_0`), as
/// llama.cpp's converter would write them: every 2-D weight whose rows are whole 32-value blocks,
/// the embedding and the head included; norm vectors stay as they are. For models llama.cpp has
/// no GGUF name for (SDAR/TraDo): the quantised copy is allocated, and the float matrix's pages of
/// the mapped file are released once it is read, so the float model never sits in memory whole.
public final class QuantizedWeights: WeightSource, @unchecked Sendable {
    public let dtype: WeightDType
    private let source: WeightSource
    /// One copy per name: a tied head asks for the embedding again.
    private var quantized: [String: (storage: UnsafeMutableRawPointer, matrix: WeightMatrix)] = [:]

    /// Types made on load: the 32-value block formats (k-quants need llama.cpp's search for scales).
    public static let types: [WeightDType] = [.q8_0, .q4_0]

    public init(_ source: WeightSource, dtype: WeightDType) {
        precondition(Self.types.contains(dtype), "\(dtype) is not made on load")
        self.source = source
        self.dtype = dtype
    }

    deinit {
        for entry in quantized.values { entry.storage.deallocate() }
    }

    public func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        if let made = quantized[name] { return made.matrix }
        let float = try source.matrix(name, rows: rows, columns: columns)
        guard !float.dtype.isQuantized, columns % dtype.blockLength == 0 else { return float }
        let rowBytes = dtype.byteCount(values: columns)
        let bytes = rows * rowBytes
        let storage = UnsafeMutableRawPointer.allocate(byteCount: max(1, bytes), alignment: HugePages.alignment(forBytes: bytes))
        HugePages.advise(storage, bytes: bytes)
        let row = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer { row.deallocate() }
        for r in 0..<rows {
            float.copyRow(r, into: row)
            switch dtype {
            case .q8_0: QuantizedBlock.quantizeQ8_0(row, count: columns, into: storage + r * rowBytes)
            default: QuantizedBlock.quantizeQ4_0(row, count: columns, into: storage + r * rowBytes)
            }
        }
        if source is SafetensorsCheckpoint || source is GGUFCheckpoint { release(float) }
        let matrix = WeightMatrix(base: storage, rows: rows, columns: columns, dtype: dtype)
        quantized[name] = (storage, matrix)
        return matrix
    }

    public func vector(_ name: String, count: Int) throws -> [Float] {
        try source.vector(name, count: count)
    }

    public func contains(_ name: String) -> Bool { source.contains(name) }

    /// Drops the whole pages of a mapped matrix from memory (they are clean and file-backed: read
    /// again on a later touch, which nothing makes). Only for mapped files: on an allocation this
    /// would zero the memory.
    private func release(_ matrix: WeightMatrix) {
        let page = Int(getpagesize())
        let start = (Int(bitPattern: matrix.base) + page - 1) / page * page
        let end = (Int(bitPattern: matrix.base) + matrix.byteCount) / page * page
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, end - start, MADV_DONTNEED)
    }
}
