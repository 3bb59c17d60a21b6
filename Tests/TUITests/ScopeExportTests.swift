import Decoder
import Foundation
import XCTest
@testable import TUI

@MainActor
final class ScopeExportTests: XCTestCase {
    private var folder: URL!

    override func setUp() async throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-export-\(UUID().uuidString)")
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private func pane(steps: Int? = nil, order: DecodeOrder = .confidence) throws -> ExportPane {
        let (scope, model) = ScopeModel.scripted()
        let session = try DecodeSession(model: model, promptIds: [1, 2], generationLength: 8,
                                        settings: DecodeSettings(order: order, parallelism: .perStep(k: 2)))
        if let steps { for _ in 0..<steps { try session.step() } } else { try session.runToEnd() }
        let transcript = Transcript(session: session, model: scope.identity, tool: "dscope test", promptText: "a | b",
                                    tokenText: RecordedPieces(tokenizerId: "words", pieces: Dictionary(uniqueKeysWithValues: (0..<16).map { ($0, "w\($0) ") }),
                                                              specialIds: [14, 15]))
        return ExportPane(transcript: transcript, title: order.rawValue)
    }

    private func export() -> ScopeExport {
        ScopeExport(directory: folder, width: 80, height: 24, palette: .monochrome)
    }

    private let noon = Date(timeIntervalSince1970: 1_800_000_000)

    func testExportWritesTheTranscriptASummaryAndARecordingWithAMarkerPerStep() async throws {
        let files = try export().write([pane()], at: noon)
        XCTAssertEqual(files.all.map { $0.deletingLastPathComponent().path }, Array(repeating: folder.path, count: 3))
        XCTAssertTrue(files.summary.lastPathComponent.hasPrefix("dscope-20270115-"), files.summary.lastPathComponent)

        let transcript = try Transcript(contentsOf: files.transcripts[0])
        XCTAssertEqual(transcript.steps.count, 4)

        let cast = try String(contentsOf: files.recording, encoding: .utf8).split(separator: "\n")
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(cast[0].utf8)) as? [String: Any])
        XCTAssertEqual(header["version"] as? Int, 2)
        XCTAssertEqual(header["width"] as? Int, 80)
        XCTAssertEqual(header["height"] as? Int, 24)
        let events = try cast.dropFirst().map { try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [Any]) }
        XCTAssertEqual(events.compactMap { $0[1] as? String == "m" ? $0[2] as? String : nil },
                       ["step 1", "step 2", "step 3", "step 4"])
        let times = events.compactMap { $0[0] as? Double }
        XCTAssertEqual(times, times.sorted(), "event times never go back")

        let summary = try String(contentsOf: files.summary, encoding: .utf8)
        XCTAssertTrue(summary.contains("> a | b"), summary)
        XCTAssertTrue(summary.contains("| settings | order confidence · block all · fixed k=2 |"), summary)
        XCTAssertTrue(summary.contains("| 7 | `w14 ` | 1 |"), summary)
        XCTAssertTrue(summary.contains("w0 w1 w2 w3 w4 w5"), "final text without the EOS tail:\n\(summary)")
    }

    func testAnUnfinishedDecodeSaysHowManyPositionsAreStillMasked() async throws {
        let files = try export().write([pane(steps: 1)], at: noon)
        let summary = try String(contentsOf: files.summary, encoding: .utf8)
        XCTAssertTrue(summary.contains("| steps | 1, 6 of 8 positions still masked |"), summary)
        XCTAssertTrue(summary.contains("| 0 | (masked) | – | – | – |"), summary)
    }

    func testCompareExportWritesOneTranscriptPerPane() async throws {
        let files = try export().write([pane(order: .ar), pane()], at: noon)
        XCTAssertEqual(files.transcripts.map { String($0.lastPathComponent.split(separator: "-", maxSplits: 3).last!) },
                       ["1-ar.jsonl", "2-confidence.jsonl"])
        XCTAssertTrue(try String(contentsOf: files.summary, encoding: .utf8).contains("## 2. order confidence"))
    }

    func testASecondExportInTheSameSecondGetsANewName() async throws {
        let first = try export().write([pane()], at: noon)
        let second = try export().write([pane()], at: noon)
        XCTAssertEqual(second.summary.deletingPathExtension().lastPathComponent,
                       first.summary.deletingPathExtension().lastPathComponent + "-2")
    }

    func testAFileWhereTheFolderShouldBeIsReportedWithItsPath() async throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("file")
        try Data().write(to: file)
        var export = export()
        export.directory = file
        XCTAssertThrowsError(try export.write([pane()], at: noon)) { error in
            XCTAssertEqual(error as? ExportError, .directory(path: file.path, reason: "not a folder"))
            XCTAssertTrue("\(error)".contains("--export-dir"))
        }
    }

    func testTokensInTheTableKeepPipesBackticksAndLineBreaksFromBreakingIt() async {
        XCTAssertEqual(MarkdownSummary.codeSpan("a|b"), "`a\\|b`")
        XCTAssertEqual(MarkdownSummary.codeSpan("`x"), "`` `x ``")
        XCTAssertEqual(MarkdownSummary.codeSpan("\n"), "`⏎`")
        XCTAssertEqual(MarkdownSummary.codeSpan(""), "(empty)")
    }
}
