import Foundation

/// The element types a safetensors header may declare.
public enum SafetensorsDType: String, Sendable {
    case F64, F32, F16, BF16, I64, I32, I16, I8, U8, U16, U32, U64, BOOL, F8_E4M3, F8_E5M2

    public var byteSize: Int {
        switch self {
        case .F64, .I64, .U64: 8
        case .F32, .I32, .U32: 4
        case .F16, .BF16, .I16, .U16: 2
        case .I8, .U8, .BOOL, .F8_E4M3, .F8_E5M2: 1
        }
    }
}

/// One tensor inside a mapped safetensors file.
public struct SafetensorsTensor: @unchecked Sendable {
    public let name: String
    public let dtype: SafetensorsDType
    public let shape: [Int]
    public let bytes: UnsafeRawBufferPointer

    /// Cannot overflow: the file's reader checked shape × element size against the data offsets.
    public var elementCount: Int { shape.reduce(1, *) }
}

/// A memory-mapped `.safetensors` file (8-byte little-endian header length, JSON header, data),
/// validated on open so that no tensor can point outside the file or overlap another.
public final class SafetensorsFile: @unchecked Sendable {
    /// Headers beyond this are rejected before parsing (the reference implementation uses 100 MB).
    public static let maxHeaderBytes = 100_000_000

    public let path: String
    public let metadata: [String: String]
    public let tensors: [String: SafetensorsTensor]
    public var fileBytes: Int { file.bytes.count }
    private let file: MappedFile

    public convenience init(path: String) throws {
        try self.init(file: MappedFile(path: path))
    }

    public init(file: MappedFile) throws {
        self.file = file
        path = file.path
        let raw = file.bytes
        func invalid(_ problem: String) -> ModelError { .invalidSafetensors(path: file.path, problem: problem) }

        guard raw.count >= 8 else { throw invalid("file is \(raw.count) bytes, shorter than the 8-byte header length") }
        let declaredLength = UInt64(littleEndian: raw.loadUnaligned(as: UInt64.self))
        guard declaredLength <= UInt64(Self.maxHeaderBytes) else {
            throw invalid("header length \(declaredLength) exceeds the \(Self.maxHeaderBytes)-byte limit")
        }
        let headerLength = Int(declaredLength)
        guard headerLength <= raw.count - 8 else {
            throw invalid("header length \(headerLength) is longer than the file (\(raw.count - 8) bytes after the length field); the file is truncated or not safetensors")
        }
        let headerData = Data(raw[8..<(8 + headerLength)])
        guard let header = (try? JSONSerialization.jsonObject(with: headerData)) as? [String: Any] else {
            throw invalid("header is not a JSON object")
        }
        let dataStart = 8 + headerLength
        let dataBytes = raw.count - dataStart

        var metadata: [String: String] = [:]
        var tensors: [String: SafetensorsTensor] = [:]
        var spans: [(begin: Int, end: Int, name: String)] = []
        for (name, value) in header {
            if name == "__metadata__" {
                metadata = (value as? [String: String]) ?? [:]
                continue
            }
            guard let entry = value as? [String: Any] else { throw invalid("entry \(name) is not an object") }
            guard let dtypeName = entry["dtype"] as? String else { throw invalid("tensor \(name) has no dtype") }
            guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
                throw invalid("tensor \(name) has unknown dtype \(dtypeName)")
            }
            guard let shape = Self.integers(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw invalid("tensor \(name) has a shape that is not a list of non-negative JSON integers (3.9, true or 2^64 are not)")
            }
            guard let offsets = Self.integers(entry["data_offsets"]), offsets.count == 2 else {
                throw invalid("tensor \(name) has data_offsets that are not two non-negative JSON integers")
            }
            let (begin, end) = (offsets[0], offsets[1])
            guard begin >= 0, begin <= end else { throw invalid("tensor \(name) has data_offsets [\(begin), \(end)] out of order") }
            guard end <= dataBytes else {
                throw invalid("tensor \(name) ends at byte \(end) but the data section holds only \(dataBytes) bytes (truncated file?)")
            }
            guard let byteCount = Self.byteCount(shape: shape, elementSize: dtype.byteSize),
                  byteCount == end - begin else {
                throw invalid("tensor \(name): \(dtypeName) × shape \(shape) does not fill data_offsets [\(begin), \(end)] (\(end - begin) bytes)")
            }
            spans.append((begin, end, name))
            tensors[name] = SafetensorsTensor(
                name: name, dtype: dtype, shape: shape,
                bytes: UnsafeRawBufferPointer(rebasing: raw[(dataStart + begin)..<(dataStart + end)]))
        }
        spans.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (previous, next) in zip(spans, spans.dropFirst()) where next.begin < previous.end {
            throw invalid("tensors \(previous.name) and \(next.name) overlap")
        }
        self.metadata = metadata
        self.tensors = tensors
    }

    private static func byteCount(shape: [Int], elementSize: Int) -> Int? {
        var total = elementSize
        for dimension in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            total = product
        }
        return total
    }

    /// JSON integers only, as the reference reader (serde, usize) takes them: 3.9, 3.0, true and
    /// numbers beyond Int64 (which NSNumber.intValue would turn into 3, 3, 1 and garbage) are refused.
    private static func integers(_ value: Any?) -> [Int]? {
        guard let elements = value as? [Any] else { return nil }
        var integers: [Int] = []
        for element in elements {
            // JSON true reads as type "c" (0 and 1 also pass `is Bool`, so that test cannot tell).
            guard let number = element as? NSNumber, !(number is NSDecimalNumber),
                  ["i", "q", "l", "s"].contains(String(cString: number.objCType)) else { return nil }
            integers.append(number.intValue)
        }
        return integers
    }
}
