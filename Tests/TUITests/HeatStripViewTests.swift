import XCTest
@testable import TUI

final class HeatStripViewTests: XCTestCase {
    func testLegendShowsScaleShadesAndMaskedStatistics() {
        var decode = ScriptedDecode(prompt: "", tokens: ["a", "b", "c", "d"], commits: [[0], [1], [2], [3]])
        decode.entropyNats = { position, _ in Double(position) }
        var screen = Screen(width: 75, height: 2)
        HeatStripView(snapshot: decode.snapshot(atStep: 1), palette: .monochrome).render(into: &screen, in: screen.bounds)
        XCTAssertEqual(screen.text, """
            ── entropy 0 ░▒▓█ 4.0 nats (ln V) · 3 masked · mean 2.00 · max 3.00 ───────
            ·▒▓█
            """)
        var narrow = Screen(width: 50, height: 2)
        HeatStripView(snapshot: decode.snapshot(atStep: 1), palette: .monochrome).render(into: &narrow, in: narrow.bounds)
        XCTAssertEqual(narrow.text.split(separator: "\n").first, "── entropy 0 ░▒▓█ 4.0 nats (ln V) · 3 masked ─────",
                       "whole fields drop, no number is cut")
    }

    func testStripWrapsOnePositionPerCellThenBinsWhenItCannot() {
        let decode = ScriptedDecode.autoregressive(12)
        let view = HeatStripView(snapshot: decode.snapshot(atStep: 3), palette: .monochrome)
        XCTAssertEqual(view.rowsWanted(width: 5), 1 + 3, "the legend and three strip rows")
        var wrapped = Screen(width: 5, height: 4)
        view.render(into: &wrapped, in: wrapped.bounds)
        XCTAssertEqual(wrapped.text.split(separator: "\n").dropFirst().joined(separator: "\n"), "···▓▓\n▓▓▓▓▓\n▓▓")
        var binned = Screen(width: 50, height: 2)
        view.render(into: &binned, in: Rect(row: 0, column: 0, width: 4, height: 2))
        XCTAssertEqual(binned.text.split(separator: "\n").last, "·▓▓▓", "three positions per cell; a bin shows its hottest mask")
    }

    func testColourStripUsesTheHeatGradient() throws {
        let theme = try ThemeLocator(directories: [ThemeLocator.bundledSourceDirectory]).load("default").theme
        var decode = ScriptedDecode.autoregressive(3)
        decode.entropyNats = { position, _ in position == 2 ? 4 : 0 }
        var screen = Screen(width: 60, height: 2)
        HeatStripView(snapshot: decode.snapshot(atStep: 1), palette: Palette(theme: theme, mode: .color))
            .render(into: &screen, in: screen.bounds)
        XCTAssertEqual(screen.text.split(separator: "\n").last, "·██")
        XCTAssertEqual(screen[1, 1].style.foreground, .indexed(theme.gradient(.heat, at: 0)!.xterm256Index))
        XCTAssertEqual(screen[1, 2].style.foreground, .indexed(theme.gradient(.heat, at: 1)!.xterm256Index))
        XCTAssertTrue(screen.text.hasPrefix("── entropy 0 ████████ 4.0 nats"))
    }
}
