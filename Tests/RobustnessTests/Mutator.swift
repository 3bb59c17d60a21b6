import Kernels

/// Seeded mutations of a well-formed input, as a hostile tester makes them: flipped bits, a cut
/// tail, numeric fields set to extremes (0, −1, max, 2⁶³, 1e308, non-finite), strings replaced by
/// control sequences or huge text. The same seed gives the same mutation on every machine.
struct Mutator {
    private var random: SplitMix64

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
    }

    mutating func below(_ bound: Int) -> Int {
        Int.random(in: 0..<max(1, bound), using: &random)
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[below(items.count)]
    }

    // MARK: Bytes

    mutating func flipBits(_ bytes: inout [UInt8], count: Int, within region: Range<Int>? = nil) {
        let region = region ?? 0..<bytes.count
        guard !region.isEmpty else { return }
        for _ in 0..<count {
            bytes[region.lowerBound + below(region.count)] ^= UInt8(1) << UInt8(below(8))
        }
    }

    mutating func truncate(_ bytes: [UInt8]) -> [UInt8] {
        Array(bytes.prefix(below(bytes.count)))
    }

    /// A little-endian integer field set to a boundary value or a random one.
    mutating func setInteger(_ bytes: inout [UInt8], at offset: Int, width: Int) {
        let value: UInt64 = pick([0, 1, .max, UInt64(Int64.max), 1 << 63, UInt64(UInt32.max), 1 << 31,
                                  1 << 40, random.next()])
        for byte in 0..<width where offset + byte < bytes.count {
            bytes[offset + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte)))
        }
    }

    /// A little-endian float field set to a non-finite or extreme value.
    mutating func setFloat(_ bytes: inout [UInt8], at offset: Int, width: Int) {
        let value: Double = pick([0, -0.0, -1, .nan, .infinity, -.infinity, 1e308, -1e308, 3.4e38, 1e-45])
        let bits = width == 4 ? UInt64(Float(value).bitPattern) : value.bitPattern
        for byte in 0..<width where offset + byte < bytes.count {
            bytes[offset + byte] = UInt8(truncatingIfNeeded: bits >> (8 * UInt64(byte)))
        }
    }

    // MARK: JSON text

    static let extremeNumbers = ["0", "-1", "-0", "1e308", "-1e308", "1e999", "9223372036854775807",
                                 "9223372036854775808", "18446744073709551617", "2305843009213693952",
                                 "99999999999999999999999999", "3.9", "1e-400", "4294967296", "65537",
                                 "\"NaN\"", "\"inf\"", "\"-Infinity\"", "NaN", "Infinity", "true", "null", "[]", "{}"]

    static let hostileStrings = ["\\u001b]0;owned\\u0007\\u001b[2J", "\\u0000", "", "\\u009b31m\\r",
                                 String(repeating: "A", count: 200_000), "\\ud800", "\\u202e"]

    /// One number of the JSON text (outside strings) replaced by an extreme or malformed value. The
    /// field is drawn first, then one of its occurrences, so that a setting written once (`"n"`)
    /// is as likely a target as the ids of a 1,000-token vocabulary.
    mutating func replaceNumber(inJSON text: String) -> String {
        let numbers = Dictionary(grouping: JSONTokens.numbers(in: text), by: \.key)
        guard !numbers.isEmpty else { return text }
        let keys = numbers.keys.sorted { ($0 ?? "") < ($1 ?? "") }
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(pick(numbers[pick(keys)]!).range, with: Array(pick(Self.extremeNumbers).utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The contents of one JSON string (a key or a value) replaced by control sequences or a huge text.
    mutating func replaceString(inJSON text: String) -> String {
        let spans = JSONTokens.stringContents(in: text)
        guard !spans.isEmpty else { return text }
        var bytes = Array(text.utf8)
        bytes.replaceSubrange(pick(spans), with: Array(pick(Self.hostileStrings).utf8))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON text mutated one of the ways above, or several numbers at once.
    mutating func mutateJSON(_ text: String) -> String {
        switch below(6) {
        case 0, 1: return replaceNumber(inJSON: text)
        case 2: return replaceString(inJSON: text)
        case 3:
            var mutated = text
            for _ in 0..<(2 + below(4)) { mutated = replaceNumber(inJSON: mutated) }
            return mutated
        case 4:
            var bytes = Array(text.utf8)
            flipBits(&bytes, count: 1 + below(4))
            return String(decoding: bytes, as: UTF8.self)
        default:
            return String(decoding: truncate(Array(text.utf8)), as: UTF8.self)
        }
    }
}

/// Where the numbers and strings of a JSON text lie, as UTF-8 byte ranges; a scanner that only
/// needs to tell strings (with escapes) from the rest. A number remembers the key it was last
/// seen after (its field, or the array's field).
enum JSONTokens {
    struct Number {
        let range: Range<Int>
        let key: String?
    }

    static func numbers(in text: String) -> [Number] {
        scan(text).numbers
    }

    static func stringContents(in text: String) -> [Range<Int>] {
        scan(text).strings
    }

    private static func scan(_ text: String) -> (numbers: [Number], strings: [Range<Int>]) {
        let bytes = Array(text.utf8)
        var numbers: [Number] = [], strings: [Range<Int>] = []
        var key: String?
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let start = index + 1
                index = start
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
                }
                strings.append(start..<min(index, bytes.count))
                index += 1
                var next = index
                while next < bytes.count, bytes[next] == UInt8(ascii: " ") { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: ":") {
                    key = String(decoding: bytes[start..<min(index - 1, bytes.count)], as: UTF8.self)
                }
            } else if byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                let start = index
                while index < bytes.count, "+-.eE0123456789".utf8.contains(bytes[index]) { index += 1 }
                numbers.append(Number(range: start..<index, key: key))
            } else {
                index += 1
            }
        }
        return (numbers, strings)
    }
}
