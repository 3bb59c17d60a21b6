/// The first NaN or ±∞ in `values`, if any. v · 0 is 0 for a finite v and NaN otherwise.
public func firstNonFinite(_ values: UnsafeBufferPointer<Float>) -> Int? {
    guard let base = values.baseAddress else { return nil }
    let raw = UnsafeRawPointer(base)
    var i = 0
    while i + 16 <= values.count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        if (v * 0).sum() != 0 { break }
        i += 16
    }
    while i < values.count {
        if !values[i].isFinite { return i }
        i += 1
    }
    return nil
}

extension WeightMatrix {
    /// The first (row, column) whose value, converted from the stored type, is NaN or ±∞.
    public func firstNonFinite() -> (row: Int, column: Int)? {
        var row = [Float](repeating: 0, count: columns)
        return row.withUnsafeMutableBufferPointer { buffer in
            for r in 0..<rows {
                copyRow(r, into: buffer.baseAddress!)
                if let column = Kernels.firstNonFinite(UnsafeBufferPointer(buffer)) { return (r, column) }
            }
            return nil
        }
    }
}
