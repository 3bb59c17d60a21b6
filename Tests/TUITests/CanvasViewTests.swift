import XCTest
@testable import TUI

final class CanvasViewTests: XCTestCase {
    private func render(_ snapshot: DecodeSnapshot, width: Int, height: Int, palette: Palette = .monochrome,
                        configure: (inout CanvasView) -> Void = { _ in }) -> Screen {
        var screen = Screen(width: width, height: height)
        var view = CanvasView(snapshot: snapshot, palette: palette)
        configure(&view)
        view.render(into: &screen, in: screen.bounds)
        return screen
    }

    func testPromptThenGenerationWrapAtTokenBoundaries() {
        let decode = ScriptedDecode(prompt: "What is 2+3?", tokens: ["The", " answer", " is", " 5", "."],
                                    commits: [[0], [1], [2], [3], [4]])
        let screen = render(decode.snapshot(atStep: 5), width: 12, height: 3)
        XCTAssertEqual(screen.text, """
            What is 2+3?
            The answer
             is 5.
            """)
    }

    func testPromptIsDimAndThisStepsCommitsAreHighlighted() {
        let decode = ScriptedDecode(prompt: "Hi", tokens: ["a", "b", "c"], commits: [[0], [2], [1]])
        let screen = render(decode.snapshot(atStep: 2), width: 6, height: 2)
        XCTAssertEqual(screen.text, "Hi\na▓c")
        XCTAssertEqual(screen.attributeText, "DD\n.DR", "a decoded earlier, b masked, c committed now")
    }

    func testMasksShowHeatShadesAndGuessesWhenAsked() {
        var decode = ScriptedDecode(prompt: "", tokens: ["a", "b", "c", "d"], commits: [[0], [1], [2], [3]])
        decode.entropyNats = { position, _ in Double(position) }
        XCTAssertEqual(render(decode.snapshot(atStep: 1), width: 8, height: 1).text, "a▒▓█")
        var snapshot = decode.snapshot(atStep: 1)
        snapshot.positions[1] = .masked(entropyNats: 1, guess: .text("B"))
        XCTAssertEqual(render(snapshot, width: 8, height: 1) { $0.showGuesses = true }.text, "aB▓█")
    }

    func testWideCharactersWrapWithoutSplittingAGlyph() {
        let decode = ScriptedDecode(prompt: "", tokens: ["漢字", "テスト"], commits: [[0, 1]])
        let screen = render(decode.snapshot(atStep: 1), width: 5, height: 3)
        XCTAssertEqual(screen.text, "漢字\nテス\nト")
    }

    func testNewlineTokensShowAMarkAndBreakTheLine() {
        let decode = ScriptedDecode(prompt: "", tokens: ["1", "\n", "2"], commits: [[0, 1, 2]])
        XCTAssertEqual(render(decode.snapshot(atStep: 1), width: 8, height: 2).text, "1⏎\n2")
    }

    func testPartialUTF8TokenIsAPlaceholderCell() {
        XCTAssertEqual(TokenText(bytes: [0xE2, 0x82, 0xAC]), .text("€"))
        XCTAssertEqual(TokenText(bytes: [0xE2, 0x82]), .partialUTF8([0xE2, 0x82]))
        var decode = ScriptedDecode(prompt: "", tokens: ["a", "", "b"], commits: [[1], [0, 2]])
        decode.tokens[1] = TokenText(bytes: [0xE2, 0x82])
        let screen = render(decode.snapshot(atStep: 2), width: 8, height: 1)
        XCTAssertEqual(screen.text, "a\u{FFFD}b")
        XCTAssertEqual(screen.attributeText, "RUR")
    }

    func testEOSTailIsMarked() {
        let decode = ScriptedDecode(prompt: "", tokens: ["ok", "", ""], commits: [[0], [1, 2]], eosFrom: 1)
        let screen = render(decode.snapshot(atStep: 2), width: 8, height: 1)
        XCTAssertEqual(screen.text, "ok∎∎")
    }

    func testLongGenerationsFollowTheCurrentCommitsWithScrollMarkers() {
        let decode = ScriptedDecode(prompt: "", tokens: (0..<40).map { "\($0 % 10)" },
                                    commits: (0..<40).map { [$0] })
        let early = render(decode.snapshot(atStep: 11), width: 6, height: 3)
        XCTAssertEqual(early.text, "01234\n56789\n0▓▓▓▓↓", "5 columns of text, 1 for the scroll marker")
        let late = render(decode.snapshot(atStep: 31), width: 6, height: 3)
        XCTAssertEqual(late.text, "56789↑\n0▓▓▓▓\n▓▓▓▓▓", "step 31's commit (position 30) a third down")
        let scrolled = render(decode.snapshot(atStep: 31), width: 6, height: 3) { $0.scroll = .line(2) }
        XCTAssertEqual(scrolled.text, "01234↑\n56789\n01234↓")
        let lines = CanvasView(snapshot: decode.snapshot(atStep: 31), palette: .monochrome)
            .visibleLines(in: Rect(row: 0, column: 0, width: 6, height: 3))
        XCTAssertEqual(lines.first, 5)
        XCTAssertEqual(lines.total, 8)
    }

    func testDecodedTokensAreColouredByTheChosenMeasure() throws {
        let theme = try ThemeLocator(directories: [ThemeLocator.bundledSourceDirectory]).load("default").theme
        let palette = Palette(theme: theme, mode: .color)
        var decode = ScriptedDecode(prompt: "", tokens: ["a", "b", "c"], commits: [[0], [1], [2]])
        decode.entropyNats = { position, _ in [0, 4, 0][position] }
        let snapshot = decode.snapshot(atStep: 3)
        let byEntropy = render(snapshot, width: 4, height: 1, palette: palette)
        XCTAssertEqual(byEntropy[0, 0].style.foreground, .indexed(theme.gradient(.heat, at: 0)!.xterm256Index))
        XCTAssertEqual(byEntropy[0, 1].style.foreground, .indexed(theme.gradient(.heat, at: 1)!.xterm256Index))
        XCTAssertEqual(byEntropy[0, 2].style, palette.style(.commit))
        let byStep = render(snapshot, width: 4, height: 1, palette: palette) { $0.measure = .step }
        XCTAssertEqual(byStep[0, 1].style.foreground, .indexed(theme.gradient(.order, at: 0.5)!.xterm256Index))
    }
}
