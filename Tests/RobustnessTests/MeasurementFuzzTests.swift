import Foundation
import Decoder
@testable import TUI
import XCTest

/// Mutated transcripts, pass@k results and task files, read as `replay`, `analyze`, `export --from`,
/// `passk merge` and `passk --tasks` read them, then drawn or reported.
@MainActor
final class MeasurementFuzzTests: XCTestCase {
    func testMutatedTranscriptsReplayOrFailCleanly() async throws {
        let original = try FuzzSeeds.text(FuzzSeeds.own.appendingPathComponent("transcript.jsonl"))
        FuzzHarness(format: "transcript", cases: 300).run(mutate: { mutator in
            mutator.mutateJSON(original)
        }, load: { text in
            let transcript = try Transcript(jsonLines: text)
            let replay = try ReplayDecode(transcript)
            while replay.canStepForward { try replay.advance() }
            let snapshot = DecodeSnapshot(replay, entropyScaleNats: 3, playback: .paused, isComputing: false, message: nil)
            assertPrintable(ScopeView(primary: snapshot, palette: .monochrome).render(width: 100, height: 30).text,
                            "the replayed scope")
            let analysis = DecodeAnalysis(transcripts: [transcript])
            assertPrintable(DecodeAnalysisText(analysis: analysis, byToken: true).text(width: 100), "analyze's text")
        })
    }

    func testMutatedPassKResultsMergeAndReportOrFailCleanly() async throws {
        let original = try FuzzSeeds.text(FuzzSeeds.own.appendingPathComponent("results.json"))
        let folder = try scratchFolder(self)
        let file = folder.appendingPathComponent("results.json").path
        FuzzHarness(format: "passk", cases: 250).run(mutate: { mutator in
            mutator.mutateJSON(original)
        }, load: { text in
            try text.write(toFile: file, atomically: false, encoding: .utf8)
            let results = try PassKResults(contentsOf: file)
            let merged = try PassKResults.merge([(file, results), (file, results)])
            assertPrintable(PassKReportText(report: PassKReport(results: merged, resampleCount: 50)).text(width: 100),
                            "the pass@k report")
        })
    }

    func testMutatedTaskFilesParseOrFailCleanly() async throws {
        let original = try FuzzSeeds.text(FuzzSeeds.own.appendingPathComponent("tasks.jsonl"))
        FuzzHarness(format: "tasks", cases: 250).run(mutate: { mutator in
            mutator.mutateJSON(original)
        }, load: { text in
            _ = try TaskFile.parse(text, path: "tasks.jsonl")
        })
    }
}
