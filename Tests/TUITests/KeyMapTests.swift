import CNcursesw
import XCTest
@testable import TUI

final class KeyMapTests: XCTestCase {
    private func action(_ key: Key) -> Action? { KeyMap.standard.action(for: key) }

    func testEveryKeyOfTheIssueMapsToItsAction() {
        let expected: [(Key, Action)] = [
            (.character(" "), .playPause),
            (.character("."), .stepForward), (.right, .stepForward), (.character("l"), .stepForward),
            (.character(","), .stepBack), (.left, .stepBack), (.character("h"), .stepBack),
            (.character("g"), .firstStep), (.home, .firstStep), (.character("G"), .lastStep), (.end, .lastStep),
            (.character("+"), .faster), (.character("-"), .slower),
            (.character("o"), .cycleOrder), (.character("b"), .cycleBlockLength), (.character("x"), .cycleCache),
            (.character("["), .decreaseParallelism), (.character("]"), .increaseParallelism),
            (.character("p"), .cycleParallelismRule), (.character("v"), .cycleColorMeasure),
            (.character("c"), .toggleCompare), (.character("e"), .export), (.character("n"), .newPrompt),
            (.character("t"), .randomTask), (.character("r"), .restart), (.character("q"), .quit),
            (.controlC, .quit), (.character("?"), .toggleHelp), (.f1, .toggleHelp), (.escape, .closeOverlay),
        ]
        for (key, want) in expected { XCTAssertEqual(action(key), want, key.label) }
        XCTAssertNil(action(.character("z")))
    }

    func testRawNcursesCodesDecodeToKeys() {
        XCTAssertEqual(Key(ncursesKeyCode: KEY_RIGHT), .right)
        XCTAssertEqual(Key(ncursesKeyCode: KEY_HOME), .home)
        XCTAssertEqual(Key(ncursesKeyCode: KEY_END), .end)
        XCTAssertEqual(Key(ncursesKeyCode: dscope_key_f(1)), .f1)
        XCTAssertEqual(Key(ncursesKeyCode: KEY_BACKSPACE), .backspace)
        XCTAssertEqual(Key(ncursesKeyCode: KEY_RESIZE), .other(KEY_RESIZE))
        XCTAssertEqual(Key(wideCharacter: 0x20), .character(" "))
        XCTAssertEqual(Key(wideCharacter: 0x03), .controlC)
        XCTAssertEqual(Key(wideCharacter: 0x1B), .escape)
        XCTAssertEqual(Key(wideCharacter: 0x7F), .backspace)
        XCTAssertEqual(Key(wideCharacter: 0x0D), .enter)
        XCTAssertEqual(Key(wideCharacter: 0x6F22), .character("漢"))
    }

    func testLineEditorEditsLikeReadline() {
        var editor = LineEditor()
        for c in "what is 2+3" { XCTAssertEqual(editor.handle(.character(c)), .editing) }
        _ = editor.handle(.home)
        _ = editor.handle(.delete)
        _ = editor.handle(.character("W"))
        XCTAssertEqual(editor.string, "What is 2+3")
        XCTAssertEqual(editor.cursor, 1)
        _ = editor.handle(.end)
        _ = editor.handle(.character("\u{17}"))
        XCTAssertEqual(editor.string, "What is ", "Ctrl-W deletes the word before the cursor")
        _ = editor.handle(.backspace)
        _ = editor.handle(.left)
        _ = editor.handle(.character("\u{0B}"))
        XCTAssertEqual(editor.string, "What i", "Ctrl-K deletes from the cursor to the end")
        _ = editor.handle(.character("\u{1}"))
        _ = editor.handle(.character("\u{7}"))
        XCTAssertEqual(editor.string, "What i", "other controls are not inserted")
        XCTAssertEqual(editor.handle(.enter), .submitted("What i"))
        _ = editor.handle(.character("\u{15}"))
        XCTAssertEqual(editor.string, "What i", "Ctrl-U at the start deletes nothing")
        XCTAssertEqual(editor.handle(.escape), .cancelled)
    }
}
