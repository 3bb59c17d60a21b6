/// Turns the byte chunks of consecutive tokens into displayable text. A byte-level token may hold only
/// part of a character: those bytes wait for the next chunk. Bytes that can never complete a character
/// become the placeholder, one per maximal ill-formed subpart (Unicode 15 §3.9, the same policy as
/// Swift's and Python's lossy UTF-8 decoding), so the text produced is always valid.
public struct UTF8Assembler: Sendable {
    public static let placeholder: Character = "\u{FFFD}"

    private var pending: [UInt8] = []

    public init() {}

    /// True while the bytes of an unfinished character wait for the next chunk.
    public var hasPendingFragment: Bool { !pending.isEmpty }

    /// The text that this chunk completes.
    public mutating func append(_ chunk: [UInt8]) -> String {
        pending.append(contentsOf: chunk)
        var text = ""
        var index = 0
        scan: while index < pending.count {
            switch UTF8Step(pending, at: index) {
            case .scalar(let scalar, let length):
                text.unicodeScalars.append(scalar)
                index += length
            case .invalid(let length):
                text.append(Self.placeholder)
                index += length
            case .truncated:
                break scan
            }
        }
        pending.removeFirst(index)
        return text
    }

    /// Ends the stream: an unfinished character becomes one placeholder.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return pending.isEmpty ? "" : String(Self.placeholder)
    }

    /// The text to show in each token's cell, for a run of consecutive tokens: a character belongs to
    /// the token that completes it, and a token that completes none shows the placeholder.
    public static func cellTexts(_ chunks: [[UInt8]]) -> [String] {
        var assembler = UTF8Assembler()
        return chunks.map { chunk in
            let text = assembler.append(chunk)
            return text.isEmpty && !chunk.isEmpty ? String(placeholder) : text
        }
    }
}

/// One decoding step over UTF-8 bytes, following the well-formed sequences of Unicode Table 3-7.
enum UTF8Step: Equatable {
    case scalar(Unicode.Scalar, length: Int)
    /// A well-formed start that the bytes end in the middle of.
    case truncated
    /// A maximal subpart that cannot start or continue a character.
    case invalid(length: Int)

    init<Bytes: RandomAccessCollection>(_ bytes: Bytes, at index: Bytes.Index)
    where Bytes.Element == UInt8, Bytes.Index == Int {
        let lead = bytes[index]
        if lead < 0x80 {
            self = .scalar(Unicode.Scalar(lead), length: 1)
            return
        }
        let length: Int
        var second: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; second = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; second = 0x80...0x9F
        case 0xF0: length = 4; second = 0x90...0xBF
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; second = 0x80...0x8F
        default:
            self = .invalid(length: 1)
            return
        }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length {
            guard index + offset < bytes.endIndex else {
                self = .truncated
                return
            }
            let byte = bytes[index + offset]
            guard (offset == 1 ? second : 0x80...0xBF).contains(byte) else {
                self = .invalid(length: offset)
                return
            }
            value = value << 6 | UInt32(byte & 0x3F)
        }
        self = .scalar(Unicode.Scalar(value)!, length: length)
    }

    static func isWellFormed<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> Bool
    where Bytes.Element == UInt8, Bytes.Index == Int {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] < 0x80 {
                index += 1
                continue
            }
            guard case .scalar(_, let length) = UTF8Step(bytes, at: index) else { return false }
            index += length
        }
        return true
    }
}
