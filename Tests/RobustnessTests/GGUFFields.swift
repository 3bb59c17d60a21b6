/// The numeric fields of a GGUF header (gguf.h, version 3): counts, string lengths, value types,
/// metadata numbers, tensor dimensions, types and offsets, as byte offsets for the mutator. Walks a
/// well-formed fixture only; stops quietly where the header does not parse.
struct GGUFFields {
    enum Kind { case integer, float }

    struct Field {
        let offset: Int
        let width: Int
        let kind: Kind
        /// Inside a metadata array (token lists, merges): many, and less often interesting.
        let inArray: Bool
    }

    private(set) var fields: [Field] = []
    /// Where the tensor infos end (the header, before alignment padding and data).
    private(set) var headerEnd = 0
    private let bytes: [UInt8]
    private var offset = 0
    private var arrayDepth = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        _ = walk()
    }

    private mutating func walk() -> Bool {
        offset = 8  // magic, version
        guard let tensorCount = integer(8), let keyCount = integer(8) else { return false }
        for _ in 0..<keyCount {
            guard string(), let type = integer(4), value(type: type) else { return false }
        }
        for _ in 0..<tensorCount {
            guard string(), let dimensions = integer(4), dimensions <= 4 else { return false }
            for _ in 0..<dimensions { guard integer(8) != nil else { return false } }
            guard integer(4) != nil, integer(8) != nil else { return false }
        }
        headerEnd = offset
        return true
    }

    /// Records an integer field and reads it.
    private mutating func integer(_ width: Int, kind: Kind = .integer) -> Int? {
        guard offset + width <= bytes.count else { return nil }
        fields.append(Field(offset: offset, width: width, kind: kind, inArray: arrayDepth > 0))
        var value: UInt64 = 0
        for byte in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + byte]) }
        offset += width
        return value <= UInt64(bytes.count) ? Int(value) : Int.max
    }

    private mutating func string() -> Bool {
        guard let length = integer(8), offset + length <= bytes.count else { return false }
        offset += length
        return true
    }

    private mutating func value(type: Int) -> Bool {
        switch type {
        case 0, 1, 7: return integer(1) != nil
        case 2, 3: return integer(2) != nil
        case 4, 5: return integer(4) != nil
        case 6: return integer(4, kind: .float) != nil
        case 10, 11: return integer(8) != nil
        case 12: return integer(8, kind: .float) != nil
        case 8: return string()
        case 9:
            guard let elementType = integer(4), let count = integer(8) else { return false }
            arrayDepth += 1
            defer { arrayDepth -= 1 }
            for _ in 0..<count { guard value(type: elementType) else { return false } }
            return true
        default: return false
        }
    }
}
