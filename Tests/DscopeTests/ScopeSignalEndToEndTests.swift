import Foundation
import XCTest

/// Signals reach the scope at once, whatever it is doing: SIGTERM and SIGHUP end it with the
/// terminal restored and the status a shell expects of a program the signal ended (128 + n);
/// Ctrl-Z stops it and `fg` brings the same screen back without any key acting.
final class ScopeSignalEndToEndTests: XCTestCase {
    private let prompt = "What is 2 + 3?"

    func testTerminateAndHangUpEndThePlayingScopeAtOnceWithTheTerminalRestored() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        for (name, number) in [("SIGTERM", SIGTERM), ("SIGHUP", SIGHUP)] {
            let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-pid-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: pidFile) }
            // The inner shell writes its pid and becomes dscope, so the pid is dscope's.
            let command = "sh -c 'echo $$ > \(pidFile.path); exec \(DscopeBinary.url.path) --prompt \"\(prompt)\"'; "
                + "echo \"dscope exited $?\"; stty -a; sleep 60"
            let tmux = try TmuxSession(width: 120, height: 40, command: command)
            try tmux.waitFor("the scope playing") { $0.contains("playing") && $0.contains("step ") }
            let pid = try XCTUnwrap(Int32(String(contentsOf: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))

            XCTAssertEqual(kill(pid, number), 0)
            // Before, the scope went on until the next key and then exited 0.
            let after = try tmux.waitFor("the shell after \(name)", seconds: 5) {
                $0.contains("dscope exited") && $0.contains("icanon")
            }
            XCTAssertTrue(after.contains("dscope exited \(128 + number)"), "\(name):\n\(after)")
            let modes = after.split(whereSeparator: \.isWhitespace)
            XCTAssertTrue(modes.contains("icanon") && modes.contains("echo"), "\(name) left the tty raw:\n\(after)")
        }
    }

    func testControlZStopsTheScopeAndFgRedrawsItWithoutActingOnAnyKey() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        // Job control needs an interactive shell in the pane.
        let tmux = try TmuxSession(width: 120, height: 40, command: "env PS1='$ ' bash --norc --noprofile -i")
        let n = try BundledModelFacts.generationLength()
        try tmux.send("\(DscopeBinary.url.path) --paused --prompt '\(prompt)'", "Enter")
        try tmux.waitFor("the first frame") { $0.contains("step 0/\(n)") }
        try tmux.send("l")
        try tmux.waitFor("one step") { $0.contains("step 1/\(n)") }

        try tmux.send("C-z")
        try tmux.waitFor("the shell to report the stop", seconds: 5) { $0.contains("Stopped") }
        try tmux.send("fg", "Enter")
        let redrawn = try tmux.waitFor("the scope redrawn by fg", seconds: 5) {
            $0.contains("step 1/\(n)") && !$0.contains("Stopped")
        }
        XCTAssertTrue(redrawn.contains("paused"), redrawn)
        try tmux.send("l")
        try tmux.waitFor("the next key to act once") { $0.contains("step 2/\(n)") }
        try tmux.send("q")
        // Typed before the scope has quit, the shell's next line would reach the scope as keys.
        try tmux.waitFor("the scope to quit") { !$0.contains("step 2/\(n)") }
        try tmux.send("echo \"dscope exited $?\"; stty -a", "Enter")
        let after = try tmux.waitFor("the shell after quitting") { $0.contains("dscope exited") && $0.contains("icanon") }
        XCTAssertTrue(after.contains("dscope exited 0"), after)
        XCTAssertFalse(after.contains("step 3/\(n)"), "no key acted twice:\n\(after)")
    }
}
