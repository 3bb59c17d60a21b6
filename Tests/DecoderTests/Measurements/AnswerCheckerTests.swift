import XCTest
@testable import Decoder

final class AnswerCheckerTests: XCTestCase {
    private let worked = "Sara has 20 rocks, so 20 / 2 = 10. Then 10 / 5 = 2. The answer is 2."

    func testAnswerIsReadsTheNumberAfterTheLastAnswerIs() {
        XCTAssertEqual(AnswerChecker.answerIs.extract(from: worked), "2")
        XCTAssertEqual(AnswerChecker.answerIs.extract(from: "the answer is 3. No wait, The Answer Is: $1,250.50 total"), "1250.50")
        XCTAssertNil(AnswerChecker.answerIs.extract(from: "so 20 / 2 = 10"))
        XCTAssertNil(AnswerChecker.answerIs.extract(from: "The answer is unknown"))
        XCTAssertTrue(AnswerChecker.answerIs.check(worked, answer: "2").correct)
        XCTAssertFalse(AnswerChecker.answerIs.check(worked, answer: "10").correct)
    }

    func testLastNumberHandlesSignsThousandsAndSentenceEnds() {
        XCTAssertEqual(AnswerChecker.lastNumber.extract(from: worked), "2")
        XCTAssertEqual(AnswerChecker.lastNumber.extract(from: "it drops to -3."), "-3")
        XCTAssertEqual(AnswerChecker.lastNumber.extract(from: "5-3"), "3", "a minus between digits is subtraction")
        XCTAssertEqual(AnswerChecker.lastNumber.extract(from: "about 1,000,000 people"), "1000000")
        XCTAssertEqual(AnswerChecker.lastNumber.extract(from: "pick 3,4"), "4", "3,4 is a list, not a thousands group")
        XCTAssertEqual(AnswerChecker.lastNumber.extract(from: "pi is 3.14."), "3.14")
        XCTAssertNil(AnswerChecker.lastNumber.extract(from: "no digits here"))
    }

    func testBoxedReadsTheLastBoxWithNestedBraces() {
        XCTAssertEqual(AnswerChecker.boxed.extract(from: "first \\boxed{1} then \\boxed{\\frac{1}{2}}"), "\\frac{1}{2}")
        XCTAssertNil(AnswerChecker.boxed.extract(from: "\\boxed{unclosed"))
        XCTAssertTrue(AnswerChecker.boxed.check("so \\boxed{ 42 }", answer: "42").correct)
        XCTAssertTrue(AnswerChecker.boxed.check("\\boxed{x + 1}", answer: "x+1").correct, "non-numbers compare without spaces")
    }

    func testAutoReadsOnlyAnExplicitFinalAnswer() {
        XCTAssertEqual(AnswerChecker.auto.extract(from: "The answer is 7. \\boxed{8} #### 9"), "7")
        XCTAssertEqual(AnswerChecker.auto.extract(from: "\\boxed{8} #### 9"), "8")
        XCTAssertEqual(AnswerChecker.auto.extract(from: "4 + 5 = 9\n#### 9"), "9")
        XCTAssertNil(AnswerChecker.auto.extract(from: "so 7 + 2 = "), "a rambling decode's last number is no answer")
        XCTAssertFalse(AnswerChecker.auto.check("Then 7 + 2 = ", answer: "2").correct)
        XCTAssertTrue(AnswerChecker.lastNumber.check("Then 7 + 2 = ", answer: "2").correct)
    }

    func testNumbersCompareByValue() {
        XCTAssertTrue(AnswerChecker.auto.check("The answer is 16.0", answer: "16").correct)
        XCTAssertTrue(AnswerChecker.auto.check("The answer is 1,000.", answer: "1000").correct)
        XCTAssertTrue(AnswerChecker.auto.check("The answer is 12", answer: "$12").correct)
        XCTAssertFalse(AnswerChecker.auto.check("The answer is 12", answer: "120").correct)
        XCTAssertFalse(AnswerChecker.auto.check("nothing", answer: "0").correct)
    }

    func testExactComparesTheWholeTrimmedText() {
        XCTAssertTrue(AnswerChecker.exact.check("  Paris\n", answer: "Paris").correct)
        XCTAssertFalse(AnswerChecker.exact.check("Paris.", answer: "Paris").correct)
        XCTAssertFalse(AnswerChecker.exact.check("16.0", answer: "16").correct, "exact does not read numbers")
    }
}
