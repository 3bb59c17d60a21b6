import XCTest
@testable import TUI

/// Prompts and token texts come from files (transcripts, vocabularies): whatever bytes they hold,
/// the canvas draws visible glyphs only, so nothing written to the terminal can act as a control.
final class HostileTokenTextTests: XCTestCase {
    private let hostile = ["\u{1B}]0;owned\u{07}", "\u{1B}[2J", "\u{9B}31m", "a\0b", "\r", "\u{7F}", "\u{8D}x"]

    private func controlScalars(_ screen: Screen) -> [UInt32] {
        screen.text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
            .map(\.value)
    }

    func testTokenTextsWithControlsDrawAsVisibleGlyphs() {
        let decode = ScriptedDecode(prompt: "p\u{1B}[31mq", tokens: hostile, commits: hostile.indices.map { [$0] })
        for step in [1, hostile.count] {
            var screen = Screen(width: 24, height: 6)
            var view = CanvasView(snapshot: decode.snapshot(atStep: step), palette: .monochrome)
            view.showGuesses = true
            view.render(into: &screen, in: screen.bounds)
            XCTAssertEqual(controlScalars(screen), [], "step \(step):\n\(screen.text)")
        }
    }

    func testByteFragmentsOfTokensDrawAsPlaceholders() {
        var screen = Screen(width: 8, height: 1)
        var snapshot = ScriptedDecode(prompt: "", tokens: ["a", "b"], commits: [[0], [1]]).snapshot(atStep: 2)
        snapshot.positions[1] = .decoded(DecodedToken(text: TokenText(bytes: [0x1B, 0xC3]), step: 2,
                                                      entropyNats: 0, confidence: 1))
        let view = CanvasView(snapshot: snapshot, palette: .monochrome)
        view.render(into: &screen, in: screen.bounds)
        XCTAssertEqual(controlScalars(screen), [])
    }
}
