/// Reads the little-endian fields of a GGUF header from a mapped file, never past its end: a
/// truncated or damaged file fails with the field it was reading and where.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    private(set) var offset = 0

    /// Arrays nest; a damaged file must not recurse without bound.
    static let maxArrayDepth = 8

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    var remaining: Int { bytes.count - offset }

    func invalid(_ problem: String) -> ModelError {
        .invalidGGUF(path: path, problem: problem)
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ what: @autoclosure () -> String) throws -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw truncated(what()) }
        let value = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += size
        return value
    }

    /// A u64 count or size that must fit in the bytes left, `minimumBytes` per item.
    mutating func readCount(_ what: @autoclosure () -> String, minimumBytes: Int) throws -> Int {
        let count = try read(UInt64.self, what())
        guard count <= UInt64(remaining / max(1, minimumBytes)) else {
            throw invalid("\(what()) is \(count) but only \(remaining) bytes follow at byte \(offset) (truncated or damaged file?)")
        }
        return Int(count)
    }

    mutating func readString(_ what: @autoclosure () -> String) throws -> String {
        let length = try readCount("the length of \(what())", minimumBytes: 1)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + length)]), as: UTF8.self)
        offset += length
        return text
    }

    /// Names are built only for error messages: a vocabulary array holds 100k+ values.
    mutating func readValue(type: UInt32, _ what: @autoclosure () -> String, depth: Int = 0) throws -> GGUFValue {
        switch type {
        case 0: return .uint8(try read(UInt8.self, what()))
        case 1: return .int8(try read(Int8.self, what()))
        case 2: return .uint16(try read(UInt16.self, what()))
        case 3: return .int16(try read(Int16.self, what()))
        case 4: return .uint32(try read(UInt32.self, what()))
        case 5: return .int32(try read(Int32.self, what()))
        case 6: return .float32(Float(bitPattern: try read(UInt32.self, what())))
        case 7:
            let byte = try read(UInt8.self, what())
            guard byte <= 1 else { throw invalid("\(what()) is a bool stored as \(byte), not 0 or 1") }
            return .bool(byte == 1)
        case 8: return .string(try readString(what()))
        case 9:
            guard depth < Self.maxArrayDepth else { throw invalid("\(what()) nests arrays deeper than \(Self.maxArrayDepth)") }
            let elementType = try read(UInt32.self, "the element type of \(what())")
            let count = try readCount("the length of \(what())", minimumBytes: Self.minimumBytes(ofType: elementType))
            var elements: [GGUFValue] = []
            elements.reserveCapacity(count)
            for index in 0..<count {
                elements.append(try readValue(type: elementType, "\(what())[\(index)]", depth: depth + 1))
            }
            return .array(elements)
        case 10: return .uint64(try read(UInt64.self, what()))
        case 11: return .int64(try read(Int64.self, what()))
        case 12: return .float64(Double(bitPattern: try read(UInt64.self, what())))
        default: throw invalid("\(what()) has unknown value type \(type)")
        }
    }

    /// Fewest bytes one value of `type` takes (an empty string or array still has its u64 length).
    private static func minimumBytes(ofType type: UInt32) -> Int {
        switch type {
        case 0, 1, 7: 1
        case 2, 3: 2
        case 4, 5, 6: 4
        case 9: 12
        default: 8
        }
    }

    private func truncated(_ what: String) -> ModelError {
        invalid("the file ends at byte \(bytes.count) while reading \(what) (truncated file?)")
    }
}
