import XCTest
@testable import TUI

final class ScreenTests: XCTestCase {
    func testPutClipsAtRightEdgeAndTextTrimsTrailingBlanks() {
        var screen = Screen(width: 5, height: 2)
        let end = screen.put("masked", row: 0, column: 1)
        XCTAssertEqual(end, 5)
        screen.put("ab", row: 1, column: 0)
        XCTAssertEqual(screen.text, " mask\nab")
    }

    func testPutOutsideTheGridIsIgnored() {
        var screen = Screen(width: 3, height: 1)
        screen.put("x", row: 4, column: 0)
        screen.put("yz", row: 0, column: -1)
        XCTAssertEqual(screen.text, "z")
    }
}
