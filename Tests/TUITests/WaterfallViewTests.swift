import XCTest
@testable import TUI

final class WaterfallViewTests: XCTestCase {
    private func map(_ snapshot: DecodeSnapshot, width: Int = 6, lines: Int = 3) -> String {
        var screen = Screen(width: width, height: lines + 1)
        WaterfallView(snapshot: snapshot, palette: .monochrome).render(into: &screen, in: screen.bounds)
        return screen.text.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
    }

    func testAutoregressiveOrderDrawsADiagonal() {
        XCTAssertEqual(map(ScriptedDecode.autoregressive(6).snapshot(atStep: 6)), """
            ●●▓▓▓▓
              ●●▓▓
                ●●
            """)
    }

    func testConfidenceOrderDrawsAScatter() {
        let decode = ScriptedDecode(tokens: Array(repeating: "x", count: 6), commits: [[3], [0], [5], [1], [4], [2]])
        XCTAssertEqual(map(decode.snapshot(atStep: 6)), """
            ●▓▓●▓▓
             ●▓ ▓●
              ● ●
            """)
    }

    /// Dream's schedule at steps = length: step 1 commits nothing, and its row shows only masks.
    func testAStepThatCommitsNothingIsARowWithoutCommits() {
        let decode = ScriptedDecode(tokens: Array(repeating: "x", count: 4), commits: [[], [1], [], [0, 2, 3]])
        XCTAssertEqual(map(decode.snapshot(atStep: 4), width: 4, lines: 2), """
            ▓●▓▓
            ● ●●
            """)
    }

    func testWindowKeepsTheLatestStepPairsAndSaysWhichStepsItShows() {
        var screen = Screen(width: 60, height: 3)
        WaterfallView(snapshot: ScriptedDecode.autoregressive(10).snapshot(atStep: 9), palette: .monochrome)
            .render(into: &screen, in: screen.bounds)
        XCTAssertEqual(screen.text, """
            ── waterfall  steps 7–9 ↓ · positions → · ● commit ─────────
                  ●●▓▓
                    ●▓
            """, "pairs (7, 8) and (9, –): the pairing never shifts as steps are added")
    }

    func testHalfBlocksCarryTwoStepsInColour() throws {
        let theme = try ThemeLocator(directories: [ThemeLocator.bundledSourceDirectory]).load("default").theme
        let palette = Palette(theme: theme, mode: .color)
        var decode = ScriptedDecode.autoregressive(3)
        decode.entropyNats = { _, _ in 4 }
        var screen = Screen(width: 3, height: 3)
        WaterfallView(snapshot: decode.snapshot(atStep: 3), palette: palette).render(into: &screen, in: screen.bounds)
        let commit = palette.style(.commit).background
        let hot = TerminalColor.indexed(theme.gradient(.heat, at: 1)!.xterm256Index)
        XCTAssertEqual(screen.text.split(separator: "\n").dropFirst(), ["▀▀▀", "  ▀"])
        XCTAssertEqual(screen[1, 0].style, CellStyle(foreground: commit, background: .terminalDefault),
                       "step 1 commits position 0; step 2 finds it decoded")
        XCTAssertEqual(screen[1, 1].style, CellStyle(foreground: hot, background: commit))
        XCTAssertEqual(screen[1, 2].style, CellStyle(foreground: hot, background: hot))
        XCTAssertEqual(screen[2, 2].style, CellStyle(foreground: commit, background: .terminalDefault),
                       "step 3 commits position 2; there is no step 4 below it")
    }

    /// 80 positions on a 59-column compare pane: the header says so exactly, and keeps it.
    func testBinningNoteIsExactAndSurvivesANarrowPane() {
        let decode = ScriptedDecode.autoregressive(80)
        var screen = Screen(width: 59, height: 6)
        WaterfallView(snapshot: decode.snapshot(atStep: 4), palette: .monochrome).render(into: &screen, in: screen.bounds)
        let header = String(screen.text.split(separator: "\n")[0])
        XCTAssertTrue(header.contains("1–2 pos/col"), header)
        XCTAssertEqual(PositionBins(positions: 320, columns: 240).label(unit: "cell"), "1–2 pos/cell")
        XCTAssertEqual(PositionBins(positions: 400, columns: 100).label(unit: "col"), "1 col = 4 pos")
        XCTAssertNil(PositionBins(positions: 80, columns: 100).label(unit: "col"))
    }
}
