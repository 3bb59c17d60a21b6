import XCTest
import Models

/// Text from files (tensor names, `general.name`, tokens, patterns, prompts) reaches messages and the
/// terminal only through `terminalSafe`.
final class TerminalSafeTextTests: XCTestCase {
    func testControlCharactersBecomeVisibleEscapes() {
        XCTAssertEqual("a\u{1B}]0;owned\u{07}b".terminalSafe(), #"a\u{1B}]0;owned\u{7}b"#)
        XCTAssertEqual("x\0y\n\t\r".terminalSafe(), #"x\0y\n\t\r"#)
        XCTAssertEqual("\u{9B}31m\u{7F}".terminalSafe(), #"\u{9B}31m\u{7F}"#)
        XCTAssertEqual("abc\u{202E}fed\u{2028}".terminalSafe(), #"abc\u{202E}fed\u{2028}"#)
    }

    func testPrintableTextIsKept() {
        let text = "blk.0.attn_q.weight — ünïcödé 日本語 🙂 \\p{L}"
        XCTAssertEqual(text.terminalSafe(), text)
    }

    func testLongTextKeepsItsStartAndEndAroundItsLength() {
        let long = "start" + String(repeating: "ab", count: 100_000) + "end"
        XCTAssertEqual(long.terminalSafe(limit: 11), "starta…(200008 characters)…abend")
        XCTAssertEqual(long.terminalSafe().unicodeScalars.count, 160 + "…(200008 characters)…".count)
        XCTAssertEqual(long.terminalSafe(limit: nil), long)
        XCTAssertEqual("\u{1B}".terminalSafe(limit: 1), #"\u{1B}"#)
    }

    func testLineBreaksCanBeKeptForMultiLineOutput() {
        XCTAssertEqual("one\ntwo\tthree\u{1B}[2J".terminalSafe(limit: nil, keepingLineBreaks: true),
                       "one\ntwo\tthree\\u{1B}[2J")
    }
}
