import Foundation
import XCTest
@testable import TUI

final class AsciicastRecordingTests: XCTestCase {
    private func parse(_ line: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(line.utf8), options: [.fragmentsAllowed])
    }

    func testRecordingIsAHeaderThenJSONEventLines() throws {
        var recording = AsciicastRecording(width: 6, height: 2, timestamp: 1_700_000_000, title: "dscope \"tiny\"")
        var screen = Screen(width: 6, height: 2)
        screen.put("漢a\u{1B}", row: 0, column: 0, style: CellStyle(foreground: .indexed(196), attributes: .bold))
        recording.record(screen, at: 0)
        recording.markStep(1, at: 0.25)
        recording.record(screen, at: 0.3)
        screen.put("b", row: 1, column: 2)
        recording.record(screen, at: 0.5)
        recording.record(Screen(width: 8, height: 3), at: 1)

        let lines = recording.contents.split(separator: "\n").map(String.init)
        XCTAssertTrue(recording.contents.hasSuffix("\n"))
        XCTAssertEqual(lines.count, 6, "header, frame, marker, (unchanged frame adds nothing), frame, resize, frame")
        let header = try XCTUnwrap(try parse(lines[0]) as? [String: Any])
        XCTAssertEqual(header["version"] as? Int, 2)
        XCTAssertEqual(header["width"] as? Int, 6)
        XCTAssertEqual(header["height"] as? Int, 2)
        XCTAssertEqual(header["timestamp"] as? Int, 1_700_000_000)
        XCTAssertEqual(header["title"] as? String, "dscope \"tiny\"")

        let events = try lines.dropFirst().map { try XCTUnwrap(try parse($0) as? [Any]) }
        XCTAssertEqual(events.map { $0[1] as? String }, ["o", "m", "o", "r", "o"])
        XCTAssertEqual(events.map { $0[0] as? Double }, [0, 0.25, 0.5, 1, 1])
        XCTAssertEqual(events[1][2] as? String, "step 1")
        XCTAssertEqual(events[3][2] as? String, "8x3")

        let first = try XCTUnwrap(events[0][2] as? String)
        XCTAssertTrue(first.hasPrefix("\u{1B}[?25l\u{1B}[0m\u{1B}[2J"), "the first frame clears the player's screen")
        XCTAssertTrue(first.contains("\u{1B}[1;1H\u{1B}[0;1;38;5;196m漢a·"), "one escape per style change; controls never reach the player")
        XCTAssertEqual(events[2][2] as? String, "\u{1B}[2;3H\u{1B}[0mb\u{1B}[0m", "later frames carry only what changed")
    }

    func testJSONStringEscapesControlsQuotesAndBackslashes() throws {
        let text = "a\"b\\c\n\u{1B}[0m\u{7F}é"
        let literal = AsciicastRecording.jsonString(text)
        XCTAssertEqual(literal, "\"a\\\"b\\\\c\\n\\u001b[0m\\u007fé\"")
        XCTAssertEqual(try parse(literal) as? String, text)
    }

    func testAWholeScopeSessionRecordsAsParseableJSONLines() throws {
        let decode = ScriptedDecode.autoregressive(8)
        var recording = AsciicastRecording(width: 60, height: 16, timestamp: 0, title: "ar")
        for step in 0...8 {
            let screen = ScopeView(primary: decode.snapshot(atStep: step), palette: .monochrome).render(width: 60, height: 16)
            recording.record(screen, at: Double(step) * 0.1)
            if step > 0 { recording.markStep(step, at: Double(step) * 0.1) }
        }
        let lines = recording.contents.split(separator: "\n")
        for line in lines { XCTAssertNoThrow(try parse(String(line)), String(line)) }
        XCTAssertEqual(lines.filter { $0.contains("\"m\"") }.count, 8, "one marker per decoding step")
    }
}
