import Foundation
import XCTest

/// The real binary in a real (tmux) terminal, the way a user meets it: it opens on the bundled
/// model, steps, steps back, branches on `o`, survives a resize, exports files that parse, and
/// quits leaving the terminal in its cooked state.
final class ScopeEndToEndTests: XCTestCase {
    private let prompt = "Tom has 18 cookies. He doubles his cookies. Omar has 20 cookies. How many more cookies does Tom have than Omar?"

    func testScopeStepsBranchesResizesExportsAndQuitsLeavingTheTerminalSane() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        let exports = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: exports) }
        // After dscope exits the shell prints its status and the tty settings into the same pane.
        let command = "\(DscopeBinary.url.path) --paused --prompt '\(prompt)' --export-dir \(exports.path); "
            + "echo \"dscope exited $?\"; stty -a; sleep 60"
        let tmux = try TmuxSession(width: 120, height: 40, command: command)
        let n = try BundledModelFacts.generationLength()

        try tmux.waitFor("the first frame") { $0.contains("step 0/\(n)") && $0.contains("How many more cookies") }
        try tmux.send("l", "l", "l")
        try tmux.waitFor("three steps") { $0.contains("step 3/\(n)") && $0.contains("masks \(n - 3)") }
        try tmux.send("h")
        try tmux.waitFor("one step back") { $0.contains("step 2/\(n)") && $0.contains("masks \(n - 2)") }

        try tmux.send("o")
        try tmux.waitFor("the order to change") { $0.contains("order margin") && $0.contains("branches from step 2") }
        try tmux.send("l")
        try tmux.waitFor("a step under the new order") { $0.contains("step 3/\(n)") && $0.contains("branched at step 2") }

        try tmux.resize(width: 80, height: 24)
        try tmux.waitFor("the relayout at 80×24") { screen in
            let lines = screen.split(separator: "\n", omittingEmptySubsequences: false)
            return screen.contains("step 3/\(n)") && lines.count <= 25
                && lines.allSatisfy { $0.count <= 80 } && lines.first?.hasPrefix("── canvas") == true
        }
        try tmux.resize(width: 30, height: 8)
        try tmux.waitFor("the too-small notice") { $0.contains("small") }
        try tmux.resize(width: 120, height: 40)
        try tmux.waitFor("the relayout at 120×40") { screen in
            screen.contains("step 3/\(n)") && screen.split(separator: "\n", omittingEmptySubsequences: false).count >= 40
        }

        try tmux.send("e")
        try tmux.waitFor("the export message") { $0.contains("exported") }
        try checkExports(in: exports, steps: 3)

        try tmux.send("q")
        let after = try tmux.waitFor("the shell after quitting") { $0.contains("dscope exited") && $0.contains("icanon") }
        XCTAssertTrue(after.contains("dscope exited 0"), after)
        let modes = after.split(whereSeparator: \.isWhitespace)
        XCTAssertTrue(modes.contains("icanon") && modes.contains("echo"), "the tty is not back in cooked mode:\n\(after)")
    }

    /// The transcript's lines are JSON, the recording is asciicast v2 with a marker per step, the
    /// summary names the prompt.
    private func checkExports(in folder: URL, steps: Int) throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        let named = { (suffix: String) in try XCTUnwrap(files.first { $0.hasPrefix("dscope-") && $0.hasSuffix(suffix) }, "\(files)") }
        let transcript = try String(contentsOf: folder.appendingPathComponent(named(".jsonl")), encoding: .utf8)
        let lines = transcript.split(separator: "\n")
        XCTAssertEqual(lines.count, steps + 2, "header, one line per step, summary")
        for line in lines { XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(line.utf8))) }

        let cast = try String(contentsOf: folder.appendingPathComponent(named(".cast")), encoding: .utf8).split(separator: "\n")
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cast[0].utf8)) as? [String: Any])
        XCTAssertEqual(header["version"] as? Int, 2)
        XCTAssertEqual(header["width"] as? Int, 120)
        let events = try cast.dropFirst().map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any]) }
        XCTAssertTrue(events.allSatisfy { $0.count == 3 && $0[0] is Double && ["o", "m", "r"].contains($0[1] as? String) })
        XCTAssertEqual(events.filter { $0[1] as? String == "m" }.count, steps)

        let summary = try String(contentsOf: folder.appendingPathComponent(named(".md")), encoding: .utf8)
        XCTAssertTrue(summary.contains(prompt))
        XCTAssertTrue(summary.contains("| position | token | step |"))
    }
}
