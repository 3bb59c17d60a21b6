import Foundation

/// A float32 matrix in NumPy's `.npy` format, version 1.0 (numpy/lib/format.py): the magic
/// `\x93NUMPY`, version bytes 1 0, a little-endian UInt16 header length, an ASCII dict literal
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (rows, columns), }` padded with spaces and a
/// newline so the data starts on a 64-byte boundary, then the values row-major, little-endian.
/// The format any other implementation's logits can be compared in (`np.load`).
public struct NPYMatrix: Equatable, Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns, "values do not fill rows × columns")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    static let magic: [UInt8] = [0x93] + Array("NUMPY".utf8)

    /// The file's bytes.
    public var data: Data {
        let dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        let unpadded = Self.magic.count + 2 + 2 + dict.utf8.count + 1
        let header = dict + String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data(Self.magic + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        #if _endian(little)
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        #else
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        #endif
        return data
    }

    public func write(to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path)) } catch {
            throw NPYError(path: path, problem: "cannot write (\(error.localizedDescription))")
        }
    }

    /// Reads back exactly what `data` writes: version 1.0, '<f4', C order, two dimensions.
    public init(contentsOf path: String) throws {
        func fail(_ problem: String) -> NPYError { NPYError(path: path, problem: problem) }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read the file") }
        let bytes = [UInt8](data)
        guard bytes.count >= 10, Array(bytes[0..<6]) == Self.magic else { throw fail("no \\x93NUMPY magic") }
        guard bytes[6] == 1, bytes[7] == 0 else { throw fail("version \(bytes[6]).\(bytes[7]); only 1.0 is read") }
        let headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        guard bytes.count >= 10 + headerLength,
              let header = String(bytes: bytes[10..<(10 + headerLength)], encoding: .ascii) else {
            throw fail("header of \(headerLength) bytes runs past the file")
        }
        guard header.contains("'descr': '<f4'"), header.contains("'fortran_order': False") else {
            throw fail("header \(header.trimmingCharacters(in: .whitespacesAndNewlines)) is not little-endian float32 in C order")
        }
        guard let open = header.range(of: "'shape': ("), let close = header[open.upperBound...].firstIndex(of: ")") else {
            throw fail("header has no shape")
        }
        let dimensions = header[open.upperBound..<close].split(separator: ",")
            .map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard dimensions.count == 2, let rows = dimensions[0], let columns = dimensions[1], rows >= 0, columns >= 0 else {
            throw fail("shape (\(header[open.upperBound..<close])) is not two dimensions")
        }
        let (count, overflow) = rows.multipliedReportingOverflow(by: columns)
        guard !overflow, bytes.count - 10 - headerLength == count * 4 else {
            throw fail("\(bytes.count - 10 - headerLength) data bytes do not hold \(rows) × \(columns) float32 values")
        }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let at = 10 + headerLength + 4 * i
            let bits = UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
            values[i] = Float(bitPattern: bits)
        }
        self.init(rows: rows, columns: columns, values: values)
    }
}

public struct NPYError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public var description: String { "\(path): not a float32 .npy matrix: \(problem)" }
}
