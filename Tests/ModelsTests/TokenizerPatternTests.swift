import XCTest
@testable import Models

/// Split patterns match as Oniguruma does inside Hugging Face `tokenizers` (expected pieces were
/// produced with that library).
final class TokenizerPatternTests: XCTestCase {
    static let llama3 = #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The text of every match of `pattern`, left to right.
    private func matches(_ pattern: String, _ text: String) throws -> [String] {
        let scalars = Array(text.unicodeScalars)
        return try PatternMatcher(pattern: pattern).matches(in: scalars).map { range in
            var piece = ""
            piece.unicodeScalars.append(contentsOf: scalars[range])
            return piece
        }
    }

    func testLLaMA3PatternSplitsLikeOniguruma() throws {
        XCTAssertEqual(try matches(Self.llama3, "I'M here, she'LL go 1234567 times!!\n\n  ok  "),
                       ["I", "'M", " here", ",", " she", "'LL", " go", " ", "123", "456", "7", " times", "!!\n\n",
                        " ", " ok", "  "])
        XCTAssertEqual(try matches(Self.llama3, "  x\r\n\r\n\ty"), [" ", " x", "\r\n\r\n", "\ty"])
        XCTAssertEqual(try matches(Self.llama3, "日本語テキスト、12個。"), ["日本語テキスト", "、", "12", "個", "。"])
        XCTAssertEqual(try matches(Self.llama3, "$3.50 vs €4,99…"),
                       ["$", "3", ".", "50", " vs", " €", "4", ",", "99", "…"])
    }

    func testGPT2PatternLeavesTheLastSpaceOfARunToTheNextWord() throws {
        XCTAssertEqual(try matches(ByteLevel.gpt2Pattern, "I'M here, she'LL go 1234567 times!!\n\n  ok  "),
                       ["I", "'", "M", " here", ",", " she", "'", "LL", " go", " 1234567", " times", "!!", "\n\n ",
                        " ok", "  "])
    }

    func testCaseInsensitiveGroupFoldsLikeUnicodeSimpleFolding() throws {
        XCTAssertEqual(try matches("(?i:'s)", "x'ſ y'S z'K"), ["'ſ", "'S"])
        XCTAssertEqual(try matches("(?i:'k)", "x'\u{212A} y'K"), ["'\u{212A}", "'K"])
        XCTAssertEqual(try matches("(?i:i)", "ıİIi"), ["I", "i"])
        XCTAssertEqual(try matches("(?i:σ)", "ςΣσ"), ["ς", "Σ", "σ"])
        XCTAssertEqual(try matches("a(?i)b|c", "aBC ab c aC"), ["aB", "ab", "aC"])
    }

    func testUnicodeClassesFollowOniguruma() throws {
        XCTAssertEqual(try matches(#"\s"#, "a\u{3000}b\u{A0}c\u{85}d\u{1C}e\u{2028}f\u{200B}g"),
                       ["\u{3000}", "\u{A0}", "\u{85}", "\u{2028}"])
        XCTAssertEqual(try matches(#"\d"#, "1\u{661}\u{FF12}x²"), ["1", "\u{661}", "\u{FF12}"])
        XCTAssertEqual(try matches(#"\p{N}"#, "x²½①Ⅻ"), ["²", "½", "①", "Ⅻ"])
        XCTAssertEqual(try matches(#"\p{L}+"#, "ǅaʰb\u{301}c"), ["ǅaʰb", "c"])
        XCTAssertEqual(try matches(#"[\p{L}-]+"#, "ab-c d"), ["ab-c", "d"])
        XCTAssertEqual(try matches(#"[a\-z]+"#, "a-z b"), ["a-z"])
        XCTAssertEqual(try matches(#"\x41\u0042"#, "xABy"), ["AB"])
        XCTAssertEqual(try matches(".", "a\nb"), ["a", "b"])
    }

    func testQuantifiersAreGreedyUnlessMarkedLazy() throws {
        XCTAssertEqual(try matches("x{2}", "xxxxx"), ["xx", "xx"])
        XCTAssertEqual(try matches("x{2,}", "xxxxx"), ["xxxxx"])
        XCTAssertEqual(try matches("x{,2}", "xxxxx"), ["xx", "xx", "x"])
        XCTAssertEqual(try matches("x{1,3}?", "xxx"), ["x", "x", "x"])
        XCTAssertEqual(try matches("a+?b", "aaab"), ["aaab"])
        XCTAssertEqual(try matches("a{b", "a{b"), ["a{b"])
    }

    func testAlternativesAreTriedInOrderNotLongestFirst() throws {
        XCTAssertEqual(try matches("a|ab", "ab"), ["a"])
        XCTAssertEqual(try matches("(?:ab|a)c", "acabc"), ["ac", "abc"])
    }

    func testEmptyMatchesMoveOnOneScalar() throws {
        XCTAssertEqual(try matches("a*", "baac").filter { !$0.isEmpty }, ["aa"])
        XCTAssertEqual(try PatternMatcher(pattern: "").matches(in: Array("abc".unicodeScalars)).count, 3)
    }

    func testUnsupportedSyntaxIsRejectedByName() {
        let cases = [
            "(?<=a)b": "lookbehind", #"(a)\1"#: #"escape '\1'"#, "^a": "anchors", #"\p{Han}"#: "Han",
            "a++": "possessive", "(a*)*": "unbounded repeat", "[[a]]": "nested character classes",
            "(?i:[a-z])": "case-insensitive character classes", "(?x:a)": "group flag 'x'", "(a": "missing ')'",
            "a)": "unbalanced", "*a": "nothing to repeat", "a{3,1}": "reversed",
        ]
        for (pattern, problem) in cases {
            XCTAssertThrowsError(try PatternMatcher(pattern: pattern), pattern) { error in
                let message = (error as? PatternSyntaxError)?.problem ?? "\(error)"
                XCTAssertTrue(message.contains(problem), "\(pattern): \(message)")
            }
        }
    }

    func testStringPatternsMatchLiterally() throws {
        let matcher = try PatternMatcher(literal: "a.b")
        XCTAssertEqual(try matcher.matches(in: Array("a.b axb a.b".unicodeScalars)), [0..<3, 8..<11])
    }
}
