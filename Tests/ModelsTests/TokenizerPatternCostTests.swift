import XCTest
@testable import Models

/// Split patterns come from files: a hostile or careless one must end in a match or a clean error,
/// never in exponential backtracking, a quadratic scan or a stack overflow.
final class TokenizerPatternCostTests: XCTestCase {
    private func scalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

    func testOverlappingAlternativesInARepeatDoNotBacktrackExponentially() throws {
        // 2^30 paths for a plain backtracker; the memo visits each (instruction, position) once.
        let text = scalars(String(repeating: "a", count: 30))
        XCTAssertEqual(try PatternMatcher(pattern: "(a|a)*b").matches(in: text, stepBudget: 100_000), [])
        XCTAssertEqual(try PatternMatcher(pattern: "(a|a)*b").matches(in: text + scalars("b"), stepBudget: 100_000),
                       [0..<31])
    }

    func testAScanThatFailsIsNotRepeatedFromEveryStart() throws {
        // Quadratic (5·10⁹ steps) without the memo; linear with it.
        let text = scalars(String(repeating: "a", count: 100_000))
        XCTAssertEqual(try PatternMatcher(pattern: ".*x").matches(in: text, stepBudget: 2_000_000), [])
        XCTAssertEqual(try PatternMatcher(pattern: ".*x").matches(in: text + scalars("x"), stepBudget: 2_000_000),
                       [0..<100_001])
    }

    func testLookaheadsRememberWhatTheyReached() throws {
        let text = scalars(String(repeating: "a", count: 50_000) + "z")
        let found = try PatternMatcher(pattern: "a(?=.*z)").matches(in: text, stepBudget: 2_000_000)
        XCTAssertEqual(found.count, 50_000)
        XCTAssertEqual(try PatternMatcher(pattern: "a(?!.*z)").matches(in: text, stepBudget: 2_000_000), [])
    }

    func testASearchPastItsBudgetStopsWithAnError() throws {
        let text = scalars(String(repeating: "ab", count: 1_000))
        XCTAssertThrowsError(try PatternMatcher(pattern: "(?:a|b)+c").matches(in: text, stepBudget: 1_000)) { error in
            XCTAssertEqual((error as? PatternBudgetExceeded)?.steps, 1_000)
        }
    }

    func testTheTokenizerNamesThePatternThatRanPastItsBudget() throws {
        // Too many (instruction, position) pairs for the memo: plain backtracking, exponential here.
        let pre = #"{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "(?:a|b|ab){1,2500}c"}, "#
            + #""behavior": "Isolated"}, {"type": "ByteLevel", "add_prefix_space": false, "use_regex": false}]}"#
        let tokenizer = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(preTokenizer: pre))
        let text = String(repeating: "ab", count: 1_000)
        XCTAssertThrowsError(try tokenizer.encode(text)) { error in
            guard case .patternTooCostly(let file, let pattern, let length, _)? = error as? TokenizerError else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(file, "tokenizer.json")
            XCTAssertEqual(pattern, "(?:a|b|ab){1,2500}c")
            XCTAssertEqual(length, 2_000)
        }
    }

    func testDeeplyNestedGroupsAreRejectedBeforeTheStackRunsOut() {
        let pattern = String(repeating: "(", count: 50_000) + "a" + String(repeating: ")", count: 50_000)
        XCTAssertThrowsError(try PatternMatcher(pattern: pattern)) { error in
            XCTAssertTrue((error as? PatternSyntaxError)?.problem.contains("nest deeper than") == true, "\(error)")
        }
        let flags = String(repeating: "(?i)a", count: 50_000)
        XCTAssertThrowsError(try PatternMatcher(pattern: flags))
        XCTAssertNoThrow(try PatternMatcher(pattern: String(repeating: "(", count: 50) + "a" + String(repeating: ")", count: 50)))
    }
}
