import Foundation
import XCTest

/// Scrubbing a finished decode replays its steps: `g` then `G` runs no forward pass, which the
/// status bar's forward count shows (on an 8B model each would take seconds).
final class ScopeScrubEndToEndTests: XCTestCase {
    func testGoingToTheStartAndBackToTheEndRunsNoForwardPass() throws {
        guard TmuxSession.isAvailable else { throw XCTSkip("tmux is not installed") }
        let command = "\(DscopeBinary.url.path) --paused --gen-length 16 --prompt 'What is 2 + 3?'; sleep 60"
        let tmux = try TmuxSession(width: 160, height: 40, command: command)
        try tmux.waitFor("the first frame") { $0.contains("step 0/16") }
        try tmux.send("G")
        let finished = try tmux.waitFor("the decode to finish") { $0.contains("step 16/16") && $0.contains("16 fwd") }
        XCTAssertTrue(finished.contains("masks 0"), finished)

        try tmux.send("g")
        try tmux.waitFor("the start") { $0.contains("step 0/16") }
        try tmux.send("G")
        let again = try tmux.waitFor("the end again") { $0.contains("step 16/16") }
        XCTAssertTrue(again.contains("16 fwd"), "scrubbing ran the model:\n\(again)")
        try tmux.send("q")
    }
}
