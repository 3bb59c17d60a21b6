/// A parsed JSON document. tokenizer.json files hold hundreds of thousands of vocabulary entries and
/// merges; Foundation's JSON readers take over a second on LLaDA's, this reader a small fraction.
enum JSONValue {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Members in file order; lookups scan, which is fine for the small objects looked up by key.
    case object([(key: String, value: JSONValue)])

    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var bool: Bool? {
        if case .bool(let flag) = self { return flag }
        return nil
    }

    /// The value as an exact integer; fractions and out-of-range numbers are not integers.
    var integer: Int? {
        guard case .number(let number) = self, number == number.rounded(),
              abs(number) < 9_007_199_254_740_992 else { return nil }
        return Int(number)
    }

    var array: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    var members: [(key: String, value: JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }
}

extension JSONValue {
    /// Parses a whole document; `file` names it in errors.
    static func parse(_ bytes: [UInt8], file: String) throws -> JSONValue {
        var reader = JSONReader(bytes: bytes, file: file)
        return try reader.document()
    }
}

private struct JSONReader {
    let bytes: [UInt8]
    let file: String
    var offset = 0
    var depth = 0

    /// Deep enough for any tokenizer file, shallow enough that hostile input cannot exhaust the stack.
    static let maximumDepth = 256

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
    }

    mutating func document() throws -> JSONValue {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
        let value = try self.value()
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected text after the document") }
        return value
    }

    private func failure(_ problem: String) -> TokenizerError {
        .malformedJSON(file: file, byteOffset: offset, problem: problem)
    }

    private mutating func skipWhitespace() {
        while offset < bytes.count {
            switch bytes[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    private mutating func value() throws -> JSONValue {
        skipWhitespace()
        guard offset < bytes.count else { throw failure("unexpected end of file") }
        switch bytes[offset] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try number())
        default: throw failure("unexpected character \(printable(bytes[offset]))")
        }
    }

    private func printable(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    private mutating func literal(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes.count - offset >= expected.count,
              bytes[offset..<offset + expected.count].elementsEqual(expected) else {
            throw failure("expected \(word)")
        }
        offset += expected.count
    }

    private mutating func enter() throws {
        depth += 1
        if depth > Self.maximumDepth { throw failure("nesting deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func object() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        offset += 1
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
            offset += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                throw failure("expected a quoted member name")
            }
            let key = try string()
            skipWhitespace()
            guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else {
                throw failure("expected ':' after member name")
            }
            offset += 1
            members.append((key, try value()))
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of file inside an object") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
            } else if bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            } else {
                throw failure("expected ',' or '}' in an object")
            }
        }
    }

    private mutating func array() throws -> JSONValue {
        try enter()
        defer { depth -= 1 }
        offset += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
            offset += 1
            return .array(elements)
        }
        while true {
            elements.append(try value())
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of file inside an array") }
            if bytes[offset] == UInt8(ascii: ",") {
                offset += 1
            } else if bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(elements)
            } else {
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func string() throws -> String {
        offset += 1
        let start = offset
        var isASCII = true
        while offset < bytes.count {
            let byte = bytes[offset]
            if byte == UInt8(ascii: "\"") {
                let slice = bytes[start..<offset]
                let text = isASCII ? String(decoding: slice, as: UTF8.self) : try utf8String(slice, at: start)
                offset += 1
                return text
            }
            if byte >= 0x80 { isASCII = false }
            if byte == UInt8(ascii: "\\") { return try escapedString(prefix: bytes[start..<offset]) }
            if byte < 0x20 { throw failure("control character inside a string") }
            offset += 1
        }
        throw failure("unterminated string")
    }

    private func utf8String(_ slice: ArraySlice<UInt8>, at start: Int) throws -> String {
        guard UTF8Step.isWellFormed(slice) else {
            throw TokenizerError.malformedJSON(file: file, byteOffset: start, problem: "string is not valid UTF-8")
        }
        return String(decoding: slice, as: UTF8.self)
    }

    private mutating func escapedString(prefix: ArraySlice<UInt8>) throws -> String {
        let start = prefix.startIndex
        var utf8 = Array(prefix)
        while offset < bytes.count {
            let byte = bytes[offset]
            offset += 1
            switch byte {
            case UInt8(ascii: "\""):
                return try utf8String(utf8[...], at: start)
            case UInt8(ascii: "\\"):
                try appendEscape(to: &utf8)
            case 0..<0x20:
                offset -= 1
                throw failure("control character inside a string")
            default:
                utf8.append(byte)
            }
        }
        throw failure("unterminated string")
    }

    private mutating func appendEscape(to utf8: inout [UInt8]) throws {
        guard offset < bytes.count else { throw failure("unterminated escape") }
        let code = bytes[offset]
        offset += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(code)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var value = try hexQuad()
            if (0xD800..<0xDC00).contains(value) {
                guard bytes.count - offset >= 6, bytes[offset] == UInt8(ascii: "\\"),
                      bytes[offset + 1] == UInt8(ascii: "u") else {
                    throw failure("unpaired surrogate \\u\(String(value, radix: 16))")
                }
                offset += 2
                let low = try hexQuad()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate") }
                value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(value) {
                throw failure("unpaired surrogate \\u\(String(value, radix: 16))")
            }
            utf8.append(contentsOf: Unicode.Scalar(value)!.utf8)
        default:
            throw failure("unknown escape \\\(Character(Unicode.Scalar(code)))")
        }
    }

    private mutating func hexQuad() throws -> UInt32 {
        guard bytes.count - offset >= 4 else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[offset]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw failure("bad hex digit in \\u escape")
            }
            value = value << 4 | UInt32(digit)
            offset += 1
        }
        return value
    }

    private mutating func number() throws -> Double {
        let start = offset
        var integer = 0
        var isPlainInteger = true
        if bytes[offset] == UInt8(ascii: "-") { offset += 1 }
        let digitsStart = offset
        while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
            if offset - digitsStart < 15 {
                integer = integer * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
            } else {
                isPlainInteger = false
            }
            offset += 1
        }
        guard offset > digitsStart else { throw failure("expected digits") }
        while offset < bytes.count, Self.isNumberTail(bytes[offset]) {
            isPlainInteger = false
            offset += 1
        }
        if isPlainInteger {
            return Double(bytes[start] == UInt8(ascii: "-") ? -integer : integer)
        }
        let text = String(decoding: bytes[start..<offset], as: UTF8.self)
        guard let number = Double(text) else { throw failure("bad number \(text)") }
        return number
    }

    private static func isNumberTail(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
             UInt8(ascii: "+"), UInt8(ascii: "-"):
            return true
        default:
            return false
        }
    }
}
