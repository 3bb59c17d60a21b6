import Foundation
import XCTest

/// The inspector, compare headers and status messages in a real terminal, as a user meets them.
final class ScopeInspectorEndToEndTests: XCTestCase {
    private let prompt = "Tom has 18 cookies. He doubles his cookies. Omar has 20 cookies. How many more cookies does Tom have than Omar?"

    /// `i` opens the panel, Tab moves it, a click on a canvas cell selects that cell; each time it
    /// shows the top-5 candidates of the step's forward.
    func testInspectorOpensWithIMovesWithTabAndByAClickAndShowsTheTopFive() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        // xterm-256color: ncurses then reads xterm's SGR mouse reports, which the test types.
        let tmux = try TmuxSession(width: 120, height: 40,
                                   command: "TERM=xterm-256color \(DscopeBinary.url.path) --paused --prompt '\(prompt)'")
        let n = try BundledModelFacts.generationLength()
        try tmux.waitFor("the first frame") { $0.contains("step 0/\(n)") }
        try tmux.send("l", "l", "l", "l", "l")
        try tmux.waitFor("five steps") { $0.contains("step 5/\(n)") }
        try tmux.send("i")
        let opened = try tmux.waitFor("the inspector") { $0.contains("── position ") && $0.contains("top 5 at step 5") }
        let first = try XCTUnwrap(Self.inspected(opened))
        XCTAssertEqual(Self.candidateLines(opened), 5, opened)

        try tmux.send("Tab")
        try tmux.waitFor("Tab to move to the next position") { Self.inspected($0) == first + 1 }

        // At step 5 the answer's first line is one-cell glyphs (masks, the ∎ tail) under the
        // prompt, so the cell in column c is position c. Click the last mask left of the panel.
        let lines = opened.split(separator: "\n", omittingEmptySubsequences: false).map(Array.init)
        let row = try XCTUnwrap(lines.firstIndex { $0.first == "░" || $0.first == "∎" }, opened)
        let pane = try XCTUnwrap(lines[row].firstIndex(of: "│"))
        let column = try XCTUnwrap(lines[row][..<pane].lastIndex(of: "░"))
        let clicked = column
        XCTAssertNotEqual(clicked, first + 1)
        try tmux.sendLiteral("\u{1B}[<0;\(column + 1);\(row + 1)M")
        let selected = try tmux.waitFor("the click to select position \(clicked)") { Self.inspected($0) == clicked }
        XCTAssertEqual(Self.candidateLines(selected), 5, selected)
    }

    /// Compare headers at 200, 120 and 100 columns show the true mask counts (the status bar's),
    /// dropping whole fields instead; a status message goes with the next action.
    func testCompareHeadersKeepTheTrueMaskCountsAtEveryWidthAndMessagesEndWithTheNextAction() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        let tmux = try TmuxSession(width: 200, height: 40, command: "\(DscopeBinary.url.path) --paused --prompt '\(prompt)'")
        let n = try BundledModelFacts.generationLength()
        try tmux.waitFor("the first frame") { $0.contains("step 0/\(n)") }
        try tmux.send("v")
        try tmux.waitFor("the colour message") { $0.contains("colour: confidence") }
        try tmux.send("c")
        try tmux.waitFor("compare mode, the old message gone") { $0.contains("compare: ar vs") && !$0.contains("colour: confidence") }
        try tmux.send("l", "l", "l")
        let wide = try tmux.waitFor("three lockstep steps") { $0.contains("step 3/\(n) / 3/\(n)") }
        // The status bar's counts at full width are the truth the headers must show.
        let status = try XCTUnwrap(wide.split(separator: "\n").first { $0.contains("order ar / confidence") })
        let counts = try XCTUnwrap(status.firstMatch(of: #/masks (\d+) \/ (\d+)/#), String(status))
        for width in [200, 120, 100] {
            try tmux.resize(width: width, height: 40)
            let screen = try tmux.waitFor("the relayout at \(width) columns") { screen in
                screen.split(separator: "\n").allSatisfy { $0.count <= width } && screen.contains("masks ")
            }
            let header = String(screen.split(separator: "\n")[0])
            XCTAssertTrue(header.contains("masks \(counts.1) ") && header.contains("masks \(counts.2) "),
                          "at \(width) columns the header shows the status bar's counts \(counts.1), \(counts.2):\n\(header)")
        }
        try tmux.send("o")
        try tmux.waitFor("the order message") { $0.contains("order confidence→margin") }
        try tmux.send("l")
        try tmux.waitFor("the message gone with the next step") { $0.contains("step 4/\(n)") && !$0.contains("order confidence→margin:") }
    }

    private static func inspected(_ screen: String) -> Int? {
        screen.firstMatch(of: #/── position (\d+) /#).flatMap { Int($0.1) }
    }

    private static func candidateLines(_ screen: String) -> Int {
        screen.split(separator: "\n").filter { $0.contains(#/│ [01]\.\d\d [█·]{8} “/#) }.count
    }
}
