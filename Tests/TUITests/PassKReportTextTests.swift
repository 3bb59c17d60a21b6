import Models
import Decoder
import XCTest
@testable import TUI

final class PassKReportTextTests: XCTestCase {
    private func results(finishing taskCount: Int) -> PassKResults {
        let config = PassKConfig(model: ModelIdentity(id: "m", configHash: "h"),
                                 tasks: TaskSet(file: "t", ids: ["a", "b", "c"], fingerprint: "f"), checker: .auto,
                                 chat: true, samplesPerTask: 2, orders: [.ar, .confidence], generationLength: 4,
                                 settings: DecodeSettings(temperature: 1))
        var results = PassKResults(tool: "t", config: config, shards: nil, ks: [1, 2])
        for key in config.keys() where ["a", "b", "c"].prefix(taskCount).contains(key.taskId) {
            let correct = (key.taskId == "a" && key.order == .ar) || (key.taskId == "b" && key.sample == 0)
            results.record(SampleResult(key: key, seed: 0, correct: correct, extracted: nil, text: "", steps: 4,
                                        forwardPasses: 4, decodeMillis: 1))
        }
        return results
    }

    func testReportShowsIntervalsSolvedOnlyByOneOrderAndUnfinishedTasks() {
        let text = PassKReportText(report: PassKReport(results: results(finishing: 2))).text(width: 60)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertEqual(lines[0], "pass@k over 2 tasks × 2 samples per order (1 of 3 tasks not finished yet, left out)")
        XCTAssertEqual(Array(lines[2...5]), [
            "k  ar [95% CI]           confidence [95% CI]",
            "─────────────────────────────────────────────",
            "1  0.750 [0.500, 1.000]  0.250 [0.000, 0.500]",
            "2  1.000 [1.000, 1.000]  0.500 [0.000, 1.000]",
        ])
        XCTAssertEqual(lines[9], "ar             0.750     2/2  1: a")
        XCTAssertEqual(lines[10], "confidence     0.250     1/2  0")
        XCTAssertTrue(text.contains("● ar  ■ confidence"))
    }

    func testReportWithoutFinishedTasksSaysSo() {
        XCTAssertEqual(PassKReportText(report: PassKReport(results: results(finishing: 0))).text(width: 60),
                       "pass@k over 0 tasks × 2 samples per order (3 of 3 tasks not finished yet, left out)\n")
    }
}
