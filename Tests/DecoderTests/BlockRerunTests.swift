import XCTest
import Models
@testable import Decoder
import TestFixtures

/// Branching from a recorded block decode: the official loop re-run from the prompt along the
/// transcript's steps reproduces each of them, and decoding on from any step equals the
/// uninterrupted decode; a transcript the model does not reproduce names its first differing step.
final class BlockRerunTests: XCTestCase {
    private static let decodes = BlockFixtureDecode.ofEachFamily(sdarPrompt: [17, 99, 201, 4, 45, 150, 7, 9])

    private func session(_ index: Int) throws -> BlockDecodeSession { try Self.decodes[index].session() }

    /// A whole decode written as a transcript and read back, as `dscope replay` gets it.
    private func transcript(of session: BlockDecodeSession) throws -> Transcript {
        while try session.step() != nil {}
        let written = Transcript(blockDecode: session.recorder, settings: session.settings, vocabulary: session.vocabulary,
                                 model: ModelIdentity(id: "fixture", configHash: "fnv1a64:0"), tool: "dscope test")
        return try Transcript(jsonLines: try written.jsonLines())
    }

    /// Commits, edits and forward of each record, without timings.
    private func events(_ records: [StepRecord]) -> [String] {
        records.map { "\($0.blockForward!.kind) \($0.block) \($0.commits.map { [$0.position, $0.token] }) \($0.edits.map { [$0.position, $0.old, $0.new] })" }
    }

    func testBranchingAtAnyStepAndDecodingOnEqualsTheUninterruptedDecode() throws {
        for index in Self.decodes.indices {
            let fixture = Self.decodes[index].fixture
            let uninterrupted = try session(index)
            let recorded = try transcript(of: uninterrupted)
            XCTAssertGreaterThan(recorded.steps.count, 4, fixture)
            for branch in [0, 1, recorded.steps.count / 2, recorded.steps.count - 1] {
                // The transcript cut at the branch step, as an export mid-decode writes it.
                let session = try session(index)
                try session.rerun(recorded.steps, count: branch)
                XCTAssertEqual(session.history.count, 0, "\(fixture): the re-run opens at step 0")
                XCTAssertEqual(session.keptSteps, branch, fixture)
                while session.history.count < branch { XCTAssertNotNil(try session.redo()) }
                let passes = session.forwardPassesRun
                XCTAssertEqual(passes, branch, "\(fixture): replaying the re-run steps runs no forward")
                while try session.step() != nil {}
                XCTAssertEqual(events(session.history), events(uninterrupted.history), "\(fixture) branched at step \(branch)")
                XCTAssertEqual(session.canvas.tokens, uninterrupted.canvas.tokens, fixture)
                XCTAssertEqual(session.result.ids, uninterrupted.result.ids, fixture)
                XCTAssertEqual(session.forwardPassesRun, recorded.steps.count, "\(fixture): one forward per step, the re-run's included")
            }
        }
    }

    func testTheRerunFollowsTheRecordedEditingToggle() throws {
        let llada2 = Self.decodes.firstIndex { $0.fixture == "llada2-tiny" }!
        let uninterrupted = try session(llada2)
        for _ in 0..<6 { try uninterrupted.step() }
        var settings = uninterrupted.settings
        guard case var .llada2(rule) = settings.rule else { return XCTFail("llada2 rule") }
        rule.editThreshold = nil
        settings.rule = .llada2(rule)
        try uninterrupted.change(to: settings)
        let recorded = try transcript(of: uninterrupted)
        let session = try session(llada2)
        try session.rerun(recorded.steps, count: recorded.steps.count)
        while try session.redo() != nil {}
        XCTAssertEqual(events(session.history), events(recorded.steps))
        XCTAssertEqual(session.settings, settings, "the last recorded step's settings")
    }

    func testATranscriptTheModelDoesNotReproduceNamesItsFirstDifferingStep() throws {
        let sdar = Self.decodes.firstIndex { $0.fixture == "sdar-tiny" }!
        var recorded = try transcript(of: try session(sdar))
        let changed = try XCTUnwrap(recorded.steps.indices.dropFirst(2).first { !recorded.steps[$0].commits.isEmpty })
        recorded.steps[changed].commits[0].token = (recorded.steps[changed].commits[0].token + 1) % 280
        let session = try session(sdar)
        XCTAssertThrowsError(try session.rerun(recorded.steps, count: recorded.steps.count)) { error in
            guard case let .differs(step, what) = error as? BlockRerunError else { return XCTFail("\(error)") }
            XCTAssertEqual(step, changed + 1)
            XCTAssertTrue(what.hasPrefix("commits "), what)
            XCTAssertTrue("\(error)".hasSuffix("a different model or weights than the ones that decoded it"))
        }
    }

    func testARerunPastTheLoopsEndIsRefused() throws {
        let sdar = Self.decodes.firstIndex { $0.fixture == "sdar-tiny" }!
        var recorded = try transcript(of: try session(sdar))
        var extra = recorded.steps.last!
        extra.step += 1
        recorded.steps.append(extra)
        XCTAssertThrowsError(try session(sdar).rerun(recorded.steps, count: recorded.steps.count)) { error in
            XCTAssertEqual(error as? BlockRerunError, .endedEarly(step: extra.step))
        }
    }
}
