import XCTest
@testable import TUI

final class ScreenTests: XCTestCase {
    func testPutClipsAtRightEdgeAndTextTrimsTrailingBlanks() {
        var screen = Screen(width: 5, height: 2)
        let end = screen.put("masked", row: 0, column: 1)
        XCTAssertEqual(end, 7)
        screen.put("ab", row: 1, column: 0)
        XCTAssertEqual(screen.text, " mask\nab")
    }

    func testPutOutsideTheGridIsIgnored() {
        var screen = Screen(width: 3, height: 1)
        screen.put("x", row: 4, column: 0)
        screen.put("yz", row: 0, column: -1)
        XCTAssertEqual(screen.text, "z")
    }

    func testWideCharactersTakeTwoColumnsWithAContinuationCell() {
        var screen = Screen(width: 6, height: 1)
        let end = screen.put("a漢😀", row: 0, column: 0)
        XCTAssertEqual(end, 5)
        XCTAssertEqual(screen[0, 1].width, 2)
        XCTAssertTrue(screen[0, 2].isContinuation)
        XCTAssertEqual(screen[0, 3].character, "😀")
        XCTAssertEqual(screen.text, "a漢😀")
    }

    func testWideCharacterThatWouldStraddleTheClipLeavesABlank() {
        var screen = Screen(width: 4, height: 1)
        screen.put("ab漢", row: 0, column: 1)
        XCTAssertEqual(screen.text, " ab")
        XCTAssertFalse(screen[0, 3].isContinuation)
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var screen = Screen(width: 4, height: 1)
        screen.put("漢字", row: 0, column: 0)
        screen.put("x", row: 0, column: 1)
        XCTAssertEqual(screen.text, " x字")
        screen.put("y", row: 0, column: 2)
        XCTAssertEqual(screen.text, " xy")
    }

    func testCombiningMarksStayOnTheirBaseCharacter() {
        var screen = Screen(width: 4, height: 1)
        screen.put("e\u{301}x", row: 0, column: 0)
        XCTAssertEqual(screen[0, 0].character, "é")
        XCTAssertEqual(screen.text, "éx")
    }

    func testACombiningMarkStartingANewPutJoinsTheCellToItsLeft() {
        var screen = Screen(width: 4, height: 1)
        let after = screen.put("e", row: 0, column: 0)
        XCTAssertEqual(screen.put("\u{301}", row: 0, column: after), 1)
        XCTAssertEqual(screen[0, 0].character, "é")
    }

    func testAnOrphanCombiningMarkSitsOnADottedCircle() {
        var screen = Screen(width: 3, height: 1)
        screen.put("\u{301}", row: 0, column: 0)
        XCTAssertEqual(screen[0, 0].character, "◌\u{301}")
    }

    func testAnEmojiSequenceKeepsItsFirstEmojiSinceTerminalsDisagreeOnItsWidth() {
        var screen = Screen(width: 6, height: 1)
        XCTAssertEqual(screen.put("👨\u{200D}👩\u{200D}👧x❤\u{FE0F}", row: 0, column: 0), 4)
        XCTAssertEqual(screen.text, "👨x❤\u{FE0F}")
    }

    func testControlsAreReplacedSoTheyCannotMoveTheCursor() {
        var screen = Screen(width: 12, height: 1)
        screen.put("a\nb\tc\u{1B}d\u{7}", row: 0, column: 0)
        XCTAssertEqual(screen.text, "a⏎b    c·d·")
    }

    func testRenderedMapsEachCellForStyleSnapshots() {
        var screen = Screen(width: 3, height: 1)
        screen.put("ab", row: 0, column: 0, style: CellStyle(attributes: .bold))
        XCTAssertEqual(screen.rendered { $0.style.attributes.contains(.bold) ? "B" : "." }, "BB.")
    }

    func testDiffListsOnlyChangedRunsAndRedrawsAWideGlyphFromItsLead() {
        var old = Screen(width: 6, height: 2)
        old.put("ab漢", row: 0, column: 0)
        var new = old
        new.put("x", row: 1, column: 4)
        new[0, 3].style = CellStyle(attributes: .reverse)
        let diff = ScreenDiff(from: old, to: new)
        XCTAssertFalse(diff.isFullRedraw)
        XCTAssertEqual(diff.runs, [ScreenDiff.Run(row: 0, columns: 2..<4), ScreenDiff.Run(row: 1, columns: 4..<5)])
    }

    func testDiffWithoutAPreviousFrameOfTheSameSizeIsAFullRedraw() {
        let new = Screen(width: 3, height: 2)
        let diff = ScreenDiff(from: Screen(width: 2, height: 2), to: new)
        XCTAssertTrue(diff.isFullRedraw)
        XCTAssertEqual(diff.runs.count, 2)
        XCTAssertTrue(ScreenDiff(from: new, to: new).isEmpty)
    }
}
