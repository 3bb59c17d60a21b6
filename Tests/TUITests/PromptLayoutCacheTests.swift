import XCTest
@testable import TUI

/// A long prompt is laid out once, not on every frame: an export of a transcript with a 400 KB
/// prompt draws each step's frame from the cached prompt lines.
final class PromptLayoutCacheTests: XCTestCase {
    func testFramesOfOnePromptLayItOutOncePerWidth() {
        let prompt = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 2_000) + UUID().uuidString
        let decode = ScriptedDecode(prompt: prompt, tokens: ["a", " b", " c", " d"], commits: [[0], [1], [2], [3]])
        let before = PromptLayoutCache.shared.layoutCount
        var screens: [Screen] = []
        for step in 0...4 {
            var screen = Screen(width: 60, height: 10)
            CanvasView(snapshot: decode.snapshot(atStep: step), palette: .monochrome).render(into: &screen, in: screen.bounds)
            screens.append(screen)
        }
        // The prompt overflows the pane, so it is laid out at the pane's width less the scroll column.
        XCTAssertLessThanOrEqual(PromptLayoutCache.shared.layoutCount - before, 2)
        XCTAssertTrue(screens[4].text.contains("a b c d"), screens[4].text)
    }

    func testCachedLinesDrawWhatAFreshLayoutDraws() {
        let decode = ScriptedDecode(prompt: "What is 2+3? " + UUID().uuidString, tokens: ["The", " answer", " is", " 5", "."],
                                    commits: [[0], [1], [2], [3], [4]])
        func draw() -> String {
            var screen = Screen(width: 12, height: 6)
            CanvasView(snapshot: decode.snapshot(atStep: 5), palette: .monochrome).render(into: &screen, in: screen.bounds)
            return screen.text
        }
        XCTAssertEqual(draw(), draw())
    }
}
