import Decoder
import Foundation
import Models
import XCTest
@testable import TUI

/// The scope on a block-diffusion model (tools/fixtures-block/llada2-tiny, LLaDA2.1's rule with
/// editing): one forward of the official loop per key, its blocks and cache on screen, edits
/// marked on the canvas, the waterfall and in the inspector, stepping back across blocks exact.
@MainActor
final class BlockScopeTests: XCTestCase {
    private static let prompt = [24, 151, 24, 207, 222]
    nonisolated private static let settings = BlockDecodeSettings(
        blockLength: 8, generationLength: 24,
        rule: .llada2(LLaDA2DecodeRule(steps: 4, threshold: 0.95, editThreshold: 0.3, postSteps: 3, eosId: nil)))

    /// The fixture with its mask id (285) in config.json, as `dscope --model` loads it.
    private func model() throws -> TransformerModel {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/fixtures-block/llada2-tiny").path
        let folder = NSTemporaryDirectory() + "dscope-scope-llada2-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/model.safetensors", withDestinationPath: source + "/model.safetensors")
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as! [String: Any]
        config["mask_token_id"] = 285
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: folder + "/config.json"))
        return try TransformerModel(folder: folder, threads: 2)
    }

    private func live() throws -> (ScopeController, TransformerModel) {
        let model = try model()
        let scope = scopeModel(model)
        let controller = try ScopeController.live(model: scope, prompt: "p", promptIds: Self.prompt, settings: DecodeSettings(),
                                                  palette: .monochrome, exportDirectory: FileManager.default.temporaryDirectory,
                                                  playing: false)
        return (controller, model)
    }

    private func scopeModel(_ model: TransformerModel, blockSettings: BlockDecodeSettings? = settings) -> ScopeModel {
        var scope = ScopeModel(name: "llada2-tiny", identity: ModelIdentity(id: "llada2-tiny", configHash: "fnv1a64:0"),
                               model: model, vocabulary: model.vocabulary, tokenText: nil, labels: TokenLabels(recordedPieces: [:]),
                               generationLength: 24, tasks: [], tool: "dscope test") { _ in Self.prompt }
        scope.blockSettings = blockSettings
        return scope
    }

    private func press(_ controller: ScopeController, _ keys: String...) async {
        for key in keys { await controller.perform(.character(Character(key))) }
        await controller.waitForSteps()
    }

    private func runToEnd(_ controller: ScopeController) async {
        await press(controller, "G")
        for _ in 0..<500 where controller.playback == .playing {
            controller.tick()
            await controller.waitForSteps()
        }
    }

    /// Commits, edits and forward of each record, without timings.
    private func events(_ records: [StepRecord]) -> [String] {
        records.map { "\($0.blockForward!.kind) \($0.block) \($0.commits.map { [$0.position, $0.token] }) \($0.edits.map { [$0.position, $0.old, $0.new] })" }
    }

    func testEachKeyRunsOneForwardOfTheOfficialLoop() async throws {
        let (controller, model) = try live()
        var recorder = BlockStepRecorder(modelName: "m", promptIds: Self.prompt, settings: Self.settings, maskId: 285)
        let result = try BlockDecode.run(model: model, prompt: Self.prompt, settings: Self.settings, maskId: 285) {
            try recorder.append($0, settings: Self.settings, millis: 0)
        }
        for step in 1...5 {
            await press(controller, "l")
            XCTAssertEqual(controller.decodes[0].stepCount, step)
            XCTAssertEqual(controller.decodes[0].forwardPassesRun, step)
        }
        XCTAssertEqual(events(controller.decodes[0].history), events(Array(recorder.history.prefix(5))))
        await runToEnd(controller)
        XCTAssertFalse(controller.decodes[0].canStepForward)
        XCTAssertEqual(events(controller.decodes[0].history), events(recorder.history))
        XCTAssertEqual(controller.decodes[0].canvas.tokens, result.canvas)
        XCTAssertTrue(screen(controller).contains("■ done"), screen(controller))
    }

    func testAReplayWithTheModelReRunsTheRecordingAndBranchesLikeTheUninterruptedDecode() async throws {
        let (controller, model) = try live()
        await runToEnd(controller)
        let whole = controller.decodes[0].transcript()
        let branch = whole.steps.count / 2
        // An export cut at the branch step, opened with the model (dscope replay FILE --model DIR):
        // the model's scope settings come from the transcript, not from the caller.
        var cut = whole
        cut.steps = Array(whole.steps.prefix(branch))
        let replay = try ScopeController.branchable(cut, model: scopeModel(model, blockSettings: nil), palette: .monochrome,
                                                    exportDirectory: FileManager.default.temporaryDirectory, playing: false)
        let decode = try XCTUnwrap(replay.decodes[0] as? BlockLiveDecode)
        XCTAssertEqual(decode.stepCount, 0)
        XCTAssertEqual(decode.session.keptSteps, branch)
        for _ in 0..<branch { await press(replay, "l") }
        XCTAssertEqual(events(decode.history), events(cut.steps), "the recorded steps replay")
        XCTAssertEqual(decode.forwardPassesRun, branch, "the re-run's forwards; replaying them runs none")
        await runToEnd(replay)
        XCTAssertEqual(events(decode.history), events(whole.steps))
        XCTAssertEqual(decode.canvas.tokens, controller.decodes[0].canvas.tokens)
        XCTAssertTrue(screen(replay).contains("■ done"), screen(replay))
    }

    private func screen(_ controller: ScopeController) -> String {
        controller.screen(width: 120, height: 40).text
    }

    func testTheCanvasShowsTheBlocksAndTheStatusBarTheRuleAndTheCache() async throws {
        let (controller, _) = try live()
        await press(controller, "l")
        // Block 0 holds the 5 prompt ids and the first 3 generated positions; the others are unreached.
        let lines = screen(controller).split(separator: "\n")
        let canvas = try XCTUnwrap(lines.first { $0.contains("⟦") })
        XCTAssertTrue(canvas.hasPrefix("⟦"), String(canvas))
        XCTAssertTrue(canvas.contains("⟧········│········│········"), String(canvas))
        XCTAssertTrue(screen(controller).contains("llada2 τ>0.95 edit>0.3 block 8 · 4 steps"), screen(controller))
        XCTAssertTrue(screen(controller).contains("cache: 0 blocks · 0 pos"), screen(controller))
        while !(controller.decodes[0].history.last?.blockForward?.kind == .store) { await press(controller, "l") }
        XCTAssertTrue(screen(controller).contains("cache: 1 blocks · 8 pos"), screen(controller))
        let after = try XCTUnwrap(screen(controller).split(separator: "\n").first { $0.contains("⟦") })
        XCTAssertTrue(after.contains("│⟦░░░░░░░░⟧········│········") || after.contains("⟦░░░░░░░░⟧"), String(after))
    }

    func testEditsAreUnderlinedMarkedInTheWaterfallAndListedByTheInspector() async throws {
        let (controller, _) = try live()
        await runToEnd(controller)
        let decode = controller.decodes[0]
        let edited = try XCTUnwrap(decode.canvas.editSteps.keys.sorted().first, "the fixture decode edits")
        let frame = controller.screen(width: 120, height: 40)
        XCTAssertTrue(frame.attributeText.contains("U"), "edited tokens are underlined")
        // The monochrome palette marks an edit with `*` (colour palettes: the notice colour).
        XCTAssertTrue(frame.text.contains("* edit"), frame.text)
        XCTAssertTrue(frame.text.split(separator: "\n").contains { $0.hasPrefix("***") }, frame.text)
        XCTAssertTrue(controller.snapshots()[0].history.contains { !$0.edited.isEmpty })
        controller.options.inspected = edited
        let inspection = try XCTUnwrap(controller.snapshots()[0].inspection)
        XCTAssertEqual(inspection.tokenHistory.count, 1 + decode.canvas.editSteps[edited]!.count)
        XCTAssertEqual(inspection.tokenHistory.dropFirst().map(\.step), decode.canvas.editSteps[edited])
        XCTAssertTrue(inspection.tokenHistory.dropFirst().allSatisfy(\.isEdit))
        XCTAssertTrue(screen(controller).contains("step \(decode.canvas.editSteps[edited]![0]) edit "), screen(controller))
    }

    func testTheInspectorsTokenLineShowsTheTokenAnEditLeftThere() async throws {
        let (controller, _) = try live()
        await runToEnd(controller)
        let decode = controller.decodes[0]
        let P = Self.prompt.count
        let replaced = try XCTUnwrap(decode.canvas.editSteps.keys.sorted().first { position in
            guard case let .decoded(_, commit) = decode.canvas.states[position] else { return false }
            return decode.canvas.tokens[P + position] != commit.token
        }, "the fixture decode replaces a committed token")
        controller.options.inspected = replaced
        let inspection = try XCTUnwrap(controller.snapshots()[0].inspection)
        guard case let .committed(_, _, _, _, _, token, _, _) = inspection.state else { return XCTFail("\(inspection.state)") }
        XCTAssertEqual(token, decode.labels.text(decode.canvas.tokens[P + replaced]))
        XCTAssertEqual(token, inspection.tokenHistory.last?.token, "the last edit's token")
        XCTAssertNotEqual(token, inspection.tokenHistory.first?.token, "not the committed one")
        let tokenLine = try XCTUnwrap(screen(controller).split(separator: "\n").first { $0.contains("token ") && !$0.contains("tokens (") })
        XCTAssertTrue(tokenLine.contains("token \(InspectorView.quoted(token))"), String(tokenLine))
        // Stepping back before the edit shows the committed token again.
        let lastEdit = decode.canvas.editSteps[replaced]!.last!
        try decode.back(toStep: lastEdit - 1)
        guard case let .committed(_, _, _, _, _, before, _, _) = controller.snapshots()[0].inspection?.state else { return XCTFail() }
        XCTAssertEqual(before, controller.snapshots()[0].inspection?.tokenHistory.last?.token)
    }

    func testSteppingBackAcrossABlockReplaysAndABranchThereRecomputesFromTheCutCache() async throws {
        let (uninterrupted, _) = try live()
        await runToEnd(uninterrupted)
        let (controller, _) = try live()
        while controller.decodes[0].history.filter({ $0.blockForward?.kind == .store }).count < 2 { await press(controller, "l") }
        await press(controller, "l", "l")
        let forwards = controller.decodes[0].forwardPassesRun!
        while controller.decodes[0].history.contains(where: { $0.blockForward?.kind == .store }) { await press(controller, "h") }
        XCTAssertTrue(screen(controller).contains("cache: 0 blocks · 0 pos"), screen(controller))
        let back = controller.decodes[0].stepCount
        await press(controller, "l", "l", "l")
        XCTAssertEqual(controller.decodes[0].forwardPassesRun, forwards, "steps stepped back over replay without the model")
        await press(controller, "h", "h", "h")
        // Editing off and on again: the same rule, but a branch, so the decode computes on from here.
        await press(controller, "E", "E")
        XCTAssertEqual(controller.decodes[0].stepCount, back)
        await runToEnd(controller)
        XCTAssertEqual(events(controller.decodes[0].history), events(uninterrupted.decodes[0].history))
        XCTAssertEqual(controller.decodes[0].canvas, uninterrupted.decodes[0].canvas)
        XCTAssertEqual(controller.decodes[0].forwardPassesRun! - forwards, uninterrupted.decodes[0].stepCount - back,
                       "every step after the branch is computed on the cache cut back to its blocks")
    }

    func testBlocksAfterTheLastOneWorkedOnStayUnreachedWhenTheDecodeStopsEarly() {
        // SDAR's stop ids end the decode after a block: the blocks after it were never reached.
        let stopped = BlockStructure(blockLength: 4, promptLength: 6, currentBlock: nil, lastBlock: 2, cachedBlocks: 3,
                                     cachedPositions: 12)
        XCTAssertEqual((0..<14).filter(stopped.isUnreached), [6, 7, 8, 9, 10, 11, 12, 13].filter { (6 + $0) / 4 > 2 })
        XCTAssertTrue(stopped.startsBlock(2) && !stopped.startsBlock(0), "the prompt's last partial block holds positions 0 and 1")
    }

    func testEditingTogglesFromTheCurrentStepAndWholeCanvasKeysSaySo() async throws {
        let (controller, _) = try live()
        await press(controller, "l", "l", "E")
        XCTAssertTrue(screen(controller).contains("llada2 τ>0.95 no edit"), screen(controller))
        XCTAssertTrue(screen(controller).contains("editing off from step 2"), screen(controller))
        await press(controller, "l")
        XCTAssertTrue(screen(controller).contains("⑂ branched at step 2: editing 0.3→off"), screen(controller))
        await runToEnd(controller)
        XCTAssertTrue(controller.decodes[0].history.dropFirst(2).allSatisfy(\.edits.isEmpty))
        for key in ["o", "b", "x", "[", "p", "c"] {
            await press(controller, key)
            XCTAssertTrue(screen(controller).contains("not settings of llada2's official loop"), "\(key): \(screen(controller))")
        }
        XCTAssertTrue(HelpOverlay(palette: .monochrome).entries.contains { $0.keys == "E" && $0.help.hasPrefix("editing on/off") })
    }
}
