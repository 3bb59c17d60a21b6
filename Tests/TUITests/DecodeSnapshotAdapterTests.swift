import Decoder
import XCTest
@testable import TUI

final class DecodeSnapshotAdapterTests: XCTestCase {
    /// Confidence order on the scripted model commits from the right: EOS at 7, then 6, then 5.
    private func steppedSession(steps: Int, settings: DecodeSettings = DecodeSettings()) throws -> (DecodeSession, ScopeModel) {
        let (scope, model) = ScopeModel.scripted()
        let session = try DecodeSession(model: model, promptIds: [1, 2], generationLength: 8, settings: settings)
        for _ in 0..<steps { try session.step() }
        return (session, scope)
    }

    private func snapshot(_ session: DecodeSession, _ scope: ScopeModel) -> DecodeSnapshot {
        DecodeSnapshot(prompt: "a b", canvas: session.canvas, history: session.history, vocabulary: scope.vocabulary,
                       labels: scope.labels, plannedSteps: 8, entropyScaleNats: 2, status: .fixture)
    }

    func testCommitsCarryTextStepEntropyConfidenceAndEndOfText() throws {
        let (session, scope) = try steppedSession(steps: 3)
        let view = snapshot(session, scope)
        XCTAssertEqual(view.step, 3)
        XCTAssertEqual(view.masksLeft, 5)
        guard case .decoded(let eos) = view.positions[7], case .decoded(let word) = view.positions[5] else {
            return XCTFail("positions 7 and 5 should be decoded: \(view.positions)")
        }
        let commit = session.history[2].commits[0]
        XCTAssertTrue(eos.isEOS)
        XCTAssertEqual(eos.step, 1)
        XCTAssertEqual(word, DecodedToken(text: .text("w5 "), step: 3, entropyNats: Double(commit.entropyNats),
                                          confidence: Double(commit.confidence), isEOS: false))
    }

    func testMasksShowTheLatestForwardsEntropyAndGuess() throws {
        let (session, scope) = try steppedSession(steps: 2)
        let view = snapshot(session, scope)
        guard case .masked(let entropy, let guess) = view.positions[0] else { return XCTFail("\(view.positions[0])") }
        XCTAssertEqual(entropy, session.history[1].maskedEntropyNats[0].map(Double.init))
        XCTAssertEqual(guess, .text("w0 "))
    }

    func testAnEndOfTextGuessShowsAsTheTailGlyph() throws {
        let (session, scope) = try steppedSession(steps: 1)
        guard case .masked(_, let guess) = snapshot(session, scope).positions[6] else { return XCTFail() }
        XCTAssertEqual(guess, .text(String(CanvasView.eosGlyph)))
    }

    func testBeforeTheFirstStepMasksHaveNoHeat() throws {
        let (session, scope) = try steppedSession(steps: 0)
        XCTAssertEqual(snapshot(session, scope).positions[0], .masked(entropyNats: nil, guess: nil))
    }

    func testEachStepTraceHoldsTheHeatOfItsForwardIncludingItsCommits() throws {
        let (session, scope) = try steppedSession(steps: 2)
        let traces = snapshot(session, scope).history
        XCTAssertEqual(traces.map(\.committed), [[7], [6]])
        XCTAssertEqual(traces[0].maskedEntropyNats[7], Double(session.history[0].commits[0].entropyNats))
        XCTAssertNil(traces[1].maskedEntropyNats[7], "decoded before step 2's forward")
        XCTAssertNotNil(traces[1].maskedEntropyNats[6])
    }

    func testFixedEntropyScaleIsLnVWhateverTheSteps() throws {
        let (session, _) = try steppedSession(steps: 2)
        XCTAssertEqual(EntropyScale.fixed.nats(firstSteps: [session.history[0]], logitColumns: 16), log(16), accuracy: 1e-12)
        XCTAssertEqual(EntropyScale.fixed.nats(firstSteps: [session.history[1]], logitColumns: 16), log(16), accuracy: 1e-12)
    }

    func testAdaptiveEntropyScaleIsTheFirstStepsHottestEntropyRoundedUpToHalfANat() throws {
        let (session, _) = try steppedSession(steps: 2)
        let hottest = Double(session.history[0].maskedEntropyNats.compactMap { $0 }.max()!)
        let scale = EntropyScale.adaptive.nats(firstSteps: [session.history[0]], logitColumns: 16)
        XCTAssertGreaterThanOrEqual(scale, hottest)
        XCTAssertLessThan(scale - hottest, 0.5)
        XCTAssertEqual(scale.truncatingRemainder(dividingBy: 0.5), 0)
        XCTAssertEqual(EntropyScale.adaptive.nats(firstSteps: [], logitColumns: 16), log(16), accuracy: 1e-12)
    }

    func testBranchNoticeSaysWhereTheSettingsChangedAndWhatChanged() throws {
        let (session, _) = try steppedSession(steps: 2)
        let margin = DecodeSettings(order: .margin)
        try session.branch(at: 2, settings: margin)
        XCTAssertEqual(BranchNotice.text(history: session.history, next: margin, isComplete: false, generationLength: 8),
                       "⑂ next step branches from step 2: order confidence→margin")
        try session.step()
        XCTAssertEqual(BranchNotice.text(history: session.history, next: margin, isComplete: false, generationLength: 8),
                       "⑂ branched at step 2: order confidence→margin")
    }

}
