import XCTest
import Models
@testable import Decoder
import TestFixtures

/// The block decode stepped one forward at a time (what the scope drives): the same records as
/// the official loop run whole; steps stepped back over replay without a forward, and a forward
/// after stepping back — across block boundaries too — runs on the exact cache cut back to that
/// step's blocks and computes exactly the uninterrupted decode.
final class BlockDecodeSessionTests: XCTestCase {
    private static let decodes = BlockFixtureDecode.ofEachFamily(sdarPrompt: [17, 99, 201, 4, 45, 150])

    private func session(_ index: Int) throws -> BlockDecodeSession { try Self.decodes[index].session() }

    /// The records without their timings.
    private func untimed(_ records: [StepRecord]) -> [StepRecord] {
        records.map { record in
            var record = record
            record.forwardMillis = 0
            record.stepMillis = 0
            return record
        }
    }

    private func runToEnd(_ session: BlockDecodeSession) throws {
        while try session.step() != nil {}
    }

    func testSteppingOneForwardAtATimeGivesTheLoopsRecords() throws {
        for (index, decode) in Self.decodes.enumerated() {
            let session = try session(index)
            var recorder = BlockStepRecorder(modelName: "m", promptIds: decode.prompt, settings: decode.settings,
                                             maskId: session.vocabulary.maskId)
            let result = try BlockDecode.run(model: session.model, prompt: decode.prompt, settings: decode.settings,
                                             maskId: session.vocabulary.maskId) { try recorder.append($0, settings: decode.settings, millis: 0) }
            XCTAssertFalse(session.isFinished)
            try runToEnd(session)
            XCTAssertTrue(session.isFinished, decode.fixture)
            XCTAssertEqual(untimed(session.history), untimed(recorder.history), decode.fixture)
            XCTAssertEqual(session.result.ids, result.ids, decode.fixture)
            XCTAssertEqual(session.forwardPassesRun, result.forwards, decode.fixture)
            XCTAssertNil(try session.step(), "a finished loop runs no forward")
        }
    }

    func testSteppingBackAcrossBlocksRestoresTheCacheAndDecodingOnEqualsTheUninterruptedDecode() throws {
        for index in Self.decodes.indices {
            let uninterrupted = try session(index)
            try runToEnd(uninterrupted)
            let session = try session(index)
            // Past the second store, so that stepping back crosses at least one block boundary.
            let stores = uninterrupted.history.indices.filter { uninterrupted.history[$0].blockForward?.kind == .store }
            let target = stores[min(1, stores.count - 1)] + 2
            while session.history.count < target, try session.step() != nil {}
            let cachedThere = session.cachedPositions
            let back = target - stores[0]
            for _ in 0..<back { try session.back() }
            XCTAssertLessThan(session.cachedPositions, cachedThere, "\(Self.decodes[index].fixture): the cache was cut back")
            XCTAssertEqual(session.cachedPositions % Self.decodes[index].settings.blockLength, 0)
            XCTAssertEqual(untimed(session.history), untimed(Array(uninterrupted.history.prefix(target - back))))
            let forwards = session.forwardPassesRun
            try runToEnd(session)
            XCTAssertEqual(untimed(session.history), untimed(uninterrupted.history), Self.decodes[index].fixture)
            XCTAssertEqual(session.canvas, uninterrupted.canvas)
            XCTAssertEqual(session.forwardPassesRun - forwards, uninterrupted.history.count - (target - back),
                           "the steps after going back are recomputed, not replayed")
        }
    }

    func testStepsSteppedBackOverRedoWithoutAForwardUntilAChangeDropsThem() throws {
        let session = try session(0)
        try runToEnd(session)
        let decoded = session.history, forwards = session.forwardPassesRun
        while try session.back() != nil {}
        XCTAssertEqual(session.cachedPositions, 0)
        XCTAssertEqual(session.keptSteps, decoded.count)
        while try session.redo() != nil {}
        XCTAssertEqual(session.history, decoded)
        XCTAssertEqual(session.forwardPassesRun, forwards, "redo runs no forward")
        XCTAssertTrue(session.isFinished)
        for _ in 0..<7 { try session.back() }
        try session.change(to: session.settings)
        XCTAssertEqual(session.keptSteps, 0, "a change drops the kept steps")
        try runToEnd(session)
        XCTAssertEqual(untimed(session.history), untimed(decoded))
        XCTAssertEqual(session.forwardPassesRun, forwards + 7)
    }

    func testTurningEditingOffMidDecodeBranchesAndTheTranscriptSaysWhere() throws {
        let session = try session(2)
        while session.history.allSatisfy({ $0.edits.isEmpty }), try session.step() != nil {}
        let branch = session.history.count
        guard case var .llada2(rule) = session.settings.rule else { return XCTFail("an LLaDA2 decode") }
        rule.editThreshold = nil
        var off = session.settings
        off.rule = .llada2(rule)
        try session.change(to: off)
        try runToEnd(session)
        XCTAssertTrue(session.history[branch...].allSatisfy { $0.edits.isEmpty && $0.settings.block == off })
        XCTAssertGreaterThan(session.history[..<branch].flatMap(\.edits).count, 0)
        let transcript = Transcript(blockDecode: session.recorder, settings: session.settings, vocabulary: session.vocabulary,
                                    model: ModelIdentity(id: "llada2", configHash: "fnv1a64:0"), tool: "test")
        let text = try transcript.jsonLines()
        XCTAssertEqual(try Transcript(jsonLines: text), transcript)
        XCTAssertEqual(text.split(separator: "\n").filter { $0.contains("\"settings\"") }.count, 3, "header, step 1, the branch")
        var wider = session.settings
        wider.blockLength = 4
        XCTAssertThrowsError(try session.change(to: wider))
    }
}
