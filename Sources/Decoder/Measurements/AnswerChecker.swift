import Foundation

/// How a generated text is compared with a task's reference answer.
public enum AnswerChecker: String, CaseIterable, Codable, Sendable {
    /// An explicit final answer: the number after the last "answer is", else the last `\boxed{…}`,
    /// else the number after the last GSM8K-style `####`. No last-number fallback: a decode that
    /// never states an answer would otherwise score whenever its last number happens to match,
    /// which inflates pass@k at large k for decodes that ramble (last-number does that on request).
    case auto
    /// Only the first number after the last "answer is" (the bundled model's last line).
    case answerIs = "answer-is"
    /// The last number anywhere in the text.
    case lastNumber = "last-number"
    /// The contents of the last `\boxed{…}`.
    case boxed
    /// The whole text, leading and trailing whitespace ignored.
    case exact

    /// The answer found in `text`, or nil when the text has none of the kind this checker reads.
    public func extract(from text: String) -> String? {
        switch self {
        case .auto: return Self.afterAnswerIs(text) ?? Self.lastBoxed(text) ?? Self.number(after: "####", in: text)
        case .answerIs: return Self.afterAnswerIs(text)
        case .lastNumber: return NumberScanner.numbers(in: text).last
        case .boxed: return Self.lastBoxed(text)
        case .exact: return text.trimmingWhitespace()
        }
    }

    public func check(_ text: String, answer: String) -> AnswerCheck {
        let extracted = extract(from: text)
        return AnswerCheck(extracted: extracted, correct: extracted.map { Self.same($0, answer, exact: self == .exact) } ?? false)
    }

    /// Numbers compare by value (16 = 16.0 = 16.00, 1,000 = 1000); anything else as text without spaces.
    private static func same(_ found: String, _ answer: String, exact: Bool) -> Bool {
        if exact { return found == answer.trimmingWhitespace() }
        if let a = NumberScanner.value(found), let b = NumberScanner.value(answer) { return a == b }
        return found.filter { !$0.isWhitespace } == answer.filter { !$0.isWhitespace }
    }

    private static func afterAnswerIs(_ text: String) -> String? {
        number(after: "answer is", in: text)
    }

    /// The first number after the last occurrence of `marker` (any case).
    private static func number(after marker: String, in text: String) -> String? {
        guard let found = text.range(of: marker, options: [.caseInsensitive, .backwards]) else { return nil }
        return NumberScanner.numbers(in: String(text[found.upperBound...])).first
    }

    private static func lastBoxed(_ text: String) -> String? {
        guard let open = text.range(of: "\\boxed{", options: .backwards) else { return nil }
        var depth = 1
        var index = open.upperBound
        while index < text.endIndex {
            switch text[index] {
            case "{": depth += 1
            case "}":
                depth -= 1
                if depth == 0 { return String(text[open.upperBound..<index]).trimmingWhitespace() }
            default: break
            }
            index = text.index(after: index)
        }
        return nil
    }
}

/// What a checker found and whether it matches the reference.
public struct AnswerCheck: Equatable, Sendable {
    public var extracted: String?
    public var correct: Bool
}

/// Decimal numbers in free text: an optional minus sign (not after a digit or letter, so "5-3"
/// reads 5 and 3), digits with optional thousands commas, an optional fraction.
enum NumberScanner {
    static func numbers(in text: String) -> [String] {
        let characters = Array(text)
        var found: [String] = []
        var i = 0
        while i < characters.count {
            guard characters[i].isASCIIDigit else { i += 1; continue }
            let negative = i > 0 && characters[i - 1] == "-" && (i < 2 || !characters[i - 2].isLetterOrDigit)
            var digits = ""
            while i < characters.count {
                if characters[i].isASCIIDigit {
                    digits.append(characters[i])
                } else if characters[i] == ",", isThousandsGroup(characters, after: i) {
                    // The comma is dropped; the three digits follow on the next turns.
                } else {
                    break
                }
                i += 1
            }
            if i + 1 < characters.count, characters[i] == ".", characters[i + 1].isASCIIDigit {
                digits.append(".")
                i += 1
                while i < characters.count, characters[i].isASCIIDigit { digits.append(characters[i]); i += 1 }
            }
            found.append((negative ? "-" : "") + digits)
        }
        return found
    }

    /// The value of a text that is one number (commas, a leading `$` and spaces allowed).
    static func value(_ text: String) -> Double? {
        let trimmed = text.trimmingWhitespace().drop { $0 == "$" }
        let numbers = numbers(in: String(trimmed))
        guard numbers.count == 1, let number = numbers.first else { return nil }
        let plain = trimmed.filter { $0 != "," && !$0.isWhitespace }
        return plain == number ? Double(number) : nil
    }

    /// "1,000" but not "3,4" or "1,0000".
    private static func isThousandsGroup(_ characters: [Character], after comma: Int) -> Bool {
        let group = characters.dropFirst(comma + 1).prefix(4)
        return group.prefix(3).count == 3 && group.prefix(3).allSatisfy(\.isASCIIDigit)
            && (group.count < 4 || !group.last!.isASCIIDigit)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
    fileprivate var isLetterOrDigit: Bool { isLetter || isNumber }
}

extension StringProtocol {
    fileprivate func trimmingWhitespace() -> String {
        String(drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
