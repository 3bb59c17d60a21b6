import XCTest
@testable import Decoder

final class DecodeAnalysisTests: XCTestCase {
    private let eos = MeasurementFixtures.eos

    /// "1 2" + EOS under confidence order: EOS first, then "2"'s neighbour " ", then "1", then "2".
    private func confidenceDecode() throws -> Transcript {
        try MeasurementFixtures.transcript(order: .confidence, length: 4, steps: [
            [(3, eos, 0.1)], [(1, 10, 0.2)], [(0, 1, 0.3)], [(2, 2, 0.4)],
        ])
    }

    private func arDecode() throws -> Transcript {
        try MeasurementFixtures.transcript(order: .ar, length: 4, steps: [
            [(0, 1, 0.9)], [(1, 10, 0.5)], [(2, 2, 0.7)], [(3, eos, 0.05)],
        ])
    }

    func testBypassCountsFollowTheStepMap() throws {
        let facts = try confidenceDecode().commitFacts
        // Step map [3, 2, 4, 1].
        XCTAssertEqual(facts.map(\.step), [3, 2, 4, 1])
        XCTAssertEqual(facts.map(\.leftMasked), [0, 1, 0, 3])
        XCTAssertEqual(facts.map(\.leadSteps), [0, 1, 0, 3])
        XCTAssertEqual(facts.map(\.bypassedBy), [1, 0, 0, 0], "EOS decoded first does not count as bypassing")
        XCTAssertEqual(facts.map(\.delaySteps), [1, 0, 0, 0])
        XCTAssertEqual(facts.map(\.isEndOfText), [false, false, false, true])
        XCTAssertTrue(try arDecode().commitFacts.allSatisfy { !$0.jumpedAhead && !$0.bypassed })
    }

    func testPositionsCommittedInOneStepDoNotBypassEachOther() throws {
        let transcript = try MeasurementFixtures.transcript(order: .confidence, length: 3, steps: [
            [(2, 3, 0.1), (1, 4, 0.2)], [(0, 5, 0.3)],
        ])
        let facts = transcript.commitFacts
        XCTAssertEqual(facts.map(\.bypassedBy), [2, 0, 0])
        XCTAssertEqual(facts.map(\.delaySteps), [1, 0, 0])
        XCTAssertEqual(facts.map(\.leftMasked), [0, 1, 1])
    }

    func testGroupsSummariseEntropyAndBypassPerOrder() throws {
        let analysis = DecodeAnalysis(transcripts: [try confidenceDecode(), try arDecode(), try confidenceDecode()])
        XCTAssertEqual(analysis.groups.map(\.label), ["confidence", "ar"])
        let confidence = analysis.groups[0], ar = analysis.groups[1]
        XCTAssertEqual(confidence.decodes, 2)
        XCTAssertEqual(confidence.contentTokens, 6)
        XCTAssertEqual(confidence.meanEntropyNats, (0.2 + 0.3 + 0.4) / 3, accuracy: 1e-6)
        XCTAssertEqual(confidence.jumpedAhead, 2)
        XCTAssertEqual(confidence.meanLeadSteps, 1)
        XCTAssertEqual(confidence.endOfTextAhead, 2)
        XCTAssertEqual(confidence.bypassed, 2)
        XCTAssertEqual(confidence.meanDelaySteps, 1)
        XCTAssertEqual(ar.jumpedAhead + ar.bypassed + ar.endOfTextAhead, 0)
        XCTAssertEqual(ar.meanEntropyNats, (0.9 + 0.5 + 0.7) / 3, accuracy: 1e-6)
    }

    func testTokenTableListsBypassedTokensWithTheirEntropyHereAndUnderAR() throws {
        let analysis = DecodeAnalysis(transcripts: [try confidenceDecode(), try arDecode()])
        XCTAssertEqual(analysis.tokenTables.map(\.label), ["confidence"])
        let rows = analysis.tokenTables[0].rows
        XCTAssertEqual(rows.map(\.piece), ["1"], "only bypassed tokens are listed")
        XCTAssertEqual(rows[0].seen, 1)
        XCTAssertEqual(rows[0].bypassRate, 1)
        XCTAssertEqual(rows[0].meanEntropyNats, 0.3, accuracy: 1e-6)
        XCTAssertEqual(rows[0].arSeen, 1)
        XCTAssertEqual(rows[0].arMeanEntropyNats ?? 0, 0.9, accuracy: 1e-6)
    }

    func testOrderLabelNamesBlocksAndParallelism() throws {
        var transcript = try arDecode()
        XCTAssertEqual(transcript.orderLabel, "ar")
        transcript.header.settings = DecodeSettings(order: .confidence, blockLength: 2, parallelism: .entropyBound(0.5))
        XCTAssertEqual(transcript.orderLabel, "confidence block 2 eb 0.5")
        transcript.header.settings = DecodeSettings(order: .margin, parallelism: .schedule(steps: 4))
        XCTAssertEqual(transcript.orderLabel, "margin", "LLaDA's default schedule is one token per step")
    }

    func testCSVHasOneQuotedRowPerCommitAndJSONHasGroupsAndTokens() throws {
        var transcript = try confidenceDecode()
        transcript.pieces[10] = "a,\"b\""
        let csv = AnalysisExport.csv([("run 1.jsonl", transcript)])
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines.count, 1 + 4)
        XCTAssertEqual(lines[0], AnalysisExport.csvColumns.joined(separator: ","))
        XCTAssertEqual(lines[2], "run 1.jsonl,confidence,1,10,\"a,\"\"b\"\"\",2,0.2,0.5,0,1,1,0,0")
        let json = try JSONSerialization.jsonObject(with: AnalysisExport.json(DecodeAnalysis(transcripts: [transcript]))) as? [String: Any]
        let groups = json?["groups"] as? [[String: Any]]
        XCTAssertEqual(groups?.first?["bypassed"] as? Int, 1)
        XCTAssertEqual((groups?.first?["entropy_histogram"] as? [String: Any])?["counts"] as? [Int],
                       [0, 0, 0, 0, 1, 0, 1, 0, 1, 0], "0.2, 0.3, 0.4 in bins 0.05 nats wide (the scale rounds 0.4 up to 0.5)")
        XCTAssertNotNil(json?["tokens"] as? [[String: Any]])
    }

    func testHistogramClampsValuesIntoTheEndBins() {
        let histogram = Histogram(values: [-1, 0, 0.49, 0.5, 1.9, 2, 7], lower: 0, upper: 2, binCount: 4)
        XCTAssertEqual(histogram.counts, [3, 1, 0, 3])
        XCTAssertEqual(histogram.edges, [0, 0.5, 1, 1.5, 2])
    }
}
