import XCTest
@testable import TUI

final class StatusBarTests: XCTestCase {
    private var status: StatusInfo {
        var status = StatusInfo.fixture
        status.lastStepMillis = 312
        status.computeMillis = 1000
        status.playback = .playing
        status.isComputing = true
        status.notice = "branched at step 2: order ar → confidence"
        return status
    }

    func testWideTerminalShowsEverySettingAndRate() {
        let snapshot = ScriptedDecode(tokens: ["a", "b", "c", "d"], commits: [[0, 1], [2], [3]]).snapshot(atStep: 2, status: status)
        var screen = Screen(width: 140, height: 2)
        StatusBar(snapshot: snapshot, palette: .monochrome, speed: "4 steps/s").render(into: &screen, in: screen.bounds)
        XCTAssertEqual(screen.text, """
             ▶ playing · computing… │ tiny-arith │ order confidence │ block 32 │ fixed k=1 │ step 2/3 │ masks 1 │ 4 steps/s
             1.50 tok/step │ 312 ms/step │ 3.0 tok/s │ mean H 2.00 nats │ branched at step 2: order ar → confidence
            """)
        XCTAssertEqual(screen.attributeText.split(separator: "\n")[0].prefix(3), "RRR", "the bar is reverse video in monochrome")
    }

    func testNarrowTerminalDropsTheLeastImportantFieldsFirst() {
        let snapshot = ScriptedDecode(tokens: ["a", "b"], commits: [[0], [1]]).snapshot(atStep: 2, status: status)
        var screen = Screen(width: 52, height: 2)
        StatusBar(snapshot: snapshot, palette: .monochrome).render(into: &screen, in: screen.bounds)
        XCTAssertEqual(screen.text, """
             ■ done · computing… │ order confidence │ step 2/2
             branched at step 2: order ar → confidence
            """, "model, block, rule, masks and rates go before the order and the branch notice")
    }

    func testACacheInUseIsNamedAfterTheRule() {
        var cached = status
        cached.cache = "dual"
        let snapshot = ScriptedDecode(tokens: ["a", "b", "c", "d"], commits: [[0, 1], [2], [3]]).snapshot(atStep: 2, status: cached)
        var screen = Screen(width: 140, height: 2)
        StatusBar(snapshot: snapshot, palette: .monochrome).render(into: &screen, in: screen.bounds)
        XCTAssertTrue(screen.text.contains("│ fixed k=1 │ dual cache │ step 2/3 │"), screen.text)
    }
}
