import XCTest
@testable import TUI

final class ScopeViewTests: XCTestCase {
    private let decode: ScriptedDecode = {
        var decode = ScriptedDecode(prompt: "Tom has 3 apples and buys 2 more. How many?",
                                    tokens: [" Tom", " has", " 3", " +", " 2", " =", " 5", ".", "", "", ""],
                                    commits: [[0, 6], [1, 2], [8, 9, 10], [4, 3], [5, 7]], eosFrom: 8)
        decode.entropyNats = { position, step in Double((position * 7 + step * 3) % 5) }
        return decode
    }()

    /// The canvas gets the lines it needs (at least three), the waterfall every row left. Without
    /// colour the strip shows decoded positions' entropy at commit as a ramp (▁ low … █ high);
    /// the waterfall ends with the mean entropy of the masked positions at each step.
    func testMainScreenSnapshot() {
        let screen = ScopeView(primary: decode.snapshot(atStep: 3), palette: .monochrome).render(width: 60, height: 16)
        XCTAssertEqual(screen.text, """
            ── canvas  colour: entropy at commit · step 3/5 ────────────
            Tom has 3 apples and buys 2 more. How many?
             Tom has 3█░▓ 5▒∎∎∎

            ── entropy 0 ░▒▓█ 4.0 nats (ln V) · 4 masked · mean 1.50 ───
            ▇▇▁█░▓▁▒▁▅█
            ── waterfall  steps 1–3 ↓ · positions → · ● commit ─────────
            ●●●███●▓███
               ░▓█ █●●●




            masked mean H ▅▄▅
             ‖ paused │ order confidence │ step 3/5 │ masks 4
             2.33 tok/step │ mean H 1.71 nats
            """)

    }

    func testHelpOverlayListsEveryKeyOnAn80By24Terminal() {
        let screen = ScopeView(primary: decode.snapshot(atStep: 1), options: ScopeOptions(overlay: .help),
                               palette: .monochrome).render(width: 80, height: 24)
        let text = screen.text
        for binding in KeyMap.standard.bindings {
            let label = binding.keys.map(\.label).joined(separator: " ")
            XCTAssertTrue(text.contains(label + " "), "keys \(label) missing")
            XCTAssertTrue(text.contains(binding.help), "\(binding.help) missing")
        }
        XCTAssertTrue(text.contains(KeyMap.branchNote))
        for issueKey in ["space", ".", "→", "l", ",", "←", "h", "g", "Home", "G", "End", "+", "-", "o", "b", "[", "]",
                         "p", "v", "c", "e", "n", "t", "r", "q", "?", "F1", "Esc", "Ctrl-C"] {
            XCTAssertTrue(HelpOverlay(palette: .monochrome).entries.contains { $0.keys.split(separator: " ").contains(Substring(issueKey)) },
                          issueKey)
        }
    }

    func testHelpOnATinyTerminalSaysThereIsMore() {
        let screen = ScopeView(primary: decode.snapshot(atStep: 1), options: ScopeOptions(overlay: .help),
                               palette: .monochrome).render(width: 40, height: 12)
        XCTAssertTrue(screen.text.contains("… more: enlarge the terminal"))
    }

    func testCompareModeIsSideBySideWhenWideAndStackedWhenNarrow() {
        let ar = ScriptedDecode.autoregressive(11)
        var arStatus = StatusInfo.fixture
        arStatus.order = "ar"
        let view = ScopeView(primary: decode.snapshot(atStep: 3), comparison: ar.snapshot(atStep: 3, status: arStatus),
                             palette: .monochrome)
        XCTAssertEqual(ScopeLayout.make(width: 100, height: 20, comparing: true)?.arrangement, .sideBySide)
        XCTAssertEqual(ScopeLayout.make(width: 60, height: 20, comparing: true)?.arrangement, .stacked)

        let wide = view.render(width: 100, height: 14).text.split(separator: "\n", omittingEmptySubsequences: false)
        // A narrow header drops whole fields (here the rule's value) and never cuts a number.
        XCTAssertTrue(wide[0].hasPrefix("── confidence  step 3/5 · masks 4 ──"), String(wide[0]))
        XCTAssertTrue(wide[0].contains("│── ar  k=1 · mean H 2.00 · step 3/11 · masks 8 ──"), String(wide[0]))
        let waterfall = try! XCTUnwrap(wide.firstIndex { $0.contains("── waterfall") })
        XCTAssertTrue(wide[waterfall + 1].hasSuffix("│●●▓▓▓▓▓▓▓▓▓"), "the AR pane's waterfall starts its diagonal")
        XCTAssertTrue(wide[waterfall + 2].hasSuffix("│  ●▓▓▓▓▓▓▓▓"))
        XCTAssertTrue(wide[12].contains("order confidence / ar") && wide[12].contains("masks 4 / 8")
                      && wide[13].contains("mean H 1.71 / 2.00"),
                      "the status bar speaks of both panes:\n\(wide.joined(separator: "\n"))")

        let narrow = view.render(width: 60, height: 20).text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(narrow[0].hasPrefix("── confidence"))
        XCTAssertTrue(narrow[9].hasPrefix("── ar"))
    }

    func testTooSmallTerminalSaysHowBigItMustBe() {
        let screen = ScopeView(primary: decode.snapshot(atStep: 1), palette: .monochrome).render(width: 30, height: 8)
        XCTAssertEqual(screen.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) },
                       ["terminal too small: 30×8", "need at least 40×11", "enlarge it, or press q to quit"])
        let compare = ScopeView(primary: decode.snapshot(atStep: 1), comparison: decode.snapshot(atStep: 1),
                                palette: .monochrome).render(width: 60, height: 14)
        XCTAssertTrue(compare.text.contains("need at least 40×16"))
    }

    func testLayoutRectsStayInsideTheScreenWithoutOverlapping() {
        for (width, height, comparing) in [(40, 11, false), (80, 24, false), (81, 9, true), (40, 16, true), (200, 60, true)] {
            let layout = ScopeLayout.make(width: width, height: height, comparing: comparing, heatRows: 3)!
            let screen = Rect(row: 0, column: 0, width: width, height: height)
            var rects = [layout.status] + (layout.divider.map { [$0] } ?? [])
            for pane in layout.panes {
                rects += [pane.title, pane.canvas, pane.waterfall] + (pane.heatStrip.map { [$0] } ?? [])
                XCTAssertGreaterThanOrEqual(pane.canvas.height, 3, "\(width)×\(height)")
                XCTAssertGreaterThanOrEqual(pane.waterfall.height, 3, "\(width)×\(height)")
            }
            for (i, a) in rects.enumerated() {
                XCTAssertEqual(a.intersection(screen), a, "\(width)×\(height): \(a) leaves the screen")
                for b in rects[(i + 1)...] { XCTAssertTrue(a.intersection(b).isEmpty, "\(width)×\(height): \(a) overlaps \(b)") }
            }
        }
    }

    func testNoColorRenderingHasNoColoursButStillShowsHeatAndCommits() throws {
        let theme = try ThemeLocator(directories: [ThemeLocator.bundledSourceDirectory]).load("default").theme
        let mode = ColorMode.resolve(noColorFlag: false, environment: ["NO_COLOR": "1"])
        let screen = ScopeView(primary: decode.snapshot(atStep: 3), palette: Palette(theme: theme, mode: mode))
            .render(width: 60, height: 16)
        for row in 0..<screen.height {
            for column in 0..<screen.width {
                XCTAssertEqual(screen[row, column].style.foreground, .terminalDefault)
                XCTAssertEqual(screen[row, column].style.background, .terminalDefault)
            }
        }
        XCTAssertTrue(screen.text.contains("█░▓"), "heat as shading")
        let canvasLine = screen.attributeText.split(separator: "\n")[2]
        XCTAssertEqual(canvasLine.filter { $0 == "R" }.count, 3, "the three EOS commits of step 3 in reverse video")
    }

    func testPromptEntryShowsTheTextWithAReverseCursor() {
        var editor = LineEditor(text: "hello")
        _ = editor.handle(.left)
        let screen = ScopeView(primary: decode.snapshot(atStep: 1), options: ScopeOptions(overlay: .promptEntry(editor)),
                               palette: .monochrome).render(width: 80, height: 24)
        let row = screen.text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("│ hello") }!
        XCTAssertTrue(screen.text.contains(PromptEntryOverlay.title))
        let cursorColumn = (0..<80).first { screen[row, $0].style.attributes.contains(.reverse) }
        XCTAssertEqual(cursorColumn.map { screen[row, $0].character }, "o")
    }
}
