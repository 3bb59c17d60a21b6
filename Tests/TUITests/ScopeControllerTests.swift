import Decoder
import Foundation
import XCTest
@testable import TUI

/// The app's behaviour key by key, on the scripted model (8 positions, EOS at the last two).
@MainActor
final class ScopeControllerTests: XCTestCase {
    private var exportFolder: URL!

    override func setUp() async throws {
        exportFolder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-tui-\(UUID().uuidString)")
    }

    override func tearDown() async throws {
        try? FileManager.default.removeItem(at: exportFolder)
    }

    private func live(tasks: [EvalTask] = []) throws -> (ScopeController, ScriptedModel) {
        let (scope, model) = ScopeModel.scripted(tasks: tasks)
        let controller = try ScopeController.live(model: scope, prompt: "a b", settings: DecodeSettings(parallelism: .schedule(steps: 8)),
                                                  palette: .monochrome, exportDirectory: exportFolder, playing: false)
        return (controller, model)
    }

    /// Presses each key (tmux-style names for a few specials) and waits for the steps they asked for.
    private func press(_ controller: ScopeController, _ keys: String...) async {
        for key in keys {
            let pressed: Key = switch key {
            case "Enter": .enter
            case "Escape": .escape
            default: .character(Character(key))
            }
            await controller.perform(pressed)
        }
        await controller.waitForSteps()
    }

    private func screen(_ controller: ScopeController) -> String {
        controller.screen(width: 100, height: 30).text
    }

    func testStepsRequestedWhileComputingQueueAndBackUndoesOne() async throws {
        let (controller, _) = try live()
        await press(controller, "l", "l", "l")
        XCTAssertTrue(screen(controller).contains("step 3/8"))
        await press(controller, "h")
        XCTAssertEqual(controller.decodes[0].stepCount, 2)
        XCTAssertTrue(screen(controller).contains("masks 6"))
    }

    func testOrderKeyBranchesFromTheCurrentStepAndTheStatusSaysSo() async throws {
        let (controller, _) = try live()
        await press(controller, "l", "l", "o")
        XCTAssertTrue(screen(controller).contains("order margin"))
        XCTAssertTrue(screen(controller).contains("branches from step 2"), screen(controller))
        await press(controller, "l")
        XCTAssertTrue(screen(controller).contains("⑂ branched at step 2: order confidence→margin"), screen(controller))
        XCTAssertEqual(controller.decodes[0].history.map(\.settings.order), [.confidence, .confidence, .margin])
    }

    func testChangingASettingOfAFinishedDecodeStartsItOver() async throws {
        let (controller, _) = try live()
        await press(controller, "l", "l", "l", "l", "l", "l", "l", "l", "p")
        XCTAssertEqual(controller.decodes[0].stepCount, 0)
        XCTAssertEqual(controller.decodes[0].settings.parallelism, .threshold(0.9))
        XCTAssertTrue(screen(controller).contains("starts over from step 0"), screen(controller))
    }

    func testCompareModeStepsARAndConfidenceInLockstepAndRestoresTheSingleDecode() async throws {
        let (controller, _) = try live()
        await press(controller, "l", "c", "l", "l")
        XCTAssertEqual(controller.decodes.map(\.settings.order), [.ar, .confidence])
        XCTAssertEqual(controller.decodes.map { $0.history.flatMap { $0.commits.map(\.position) } }, [[0, 1], [7, 6]])
        let text = screen(controller)
        XCTAssertTrue(text.contains("── ar  mean H 1.99 · step 2/8 · masks 6") && text.contains("│── confidence  mean H 1.20 · step 2/8 · masks 6"), text)
        await press(controller, "o")
        XCTAssertEqual(controller.decodes.map(\.settings.order), [.ar, .margin], "o changes the right pane only")
        await press(controller, "c")
        XCTAssertEqual(controller.decodes.count, 1)
        XCTAssertEqual(controller.decodes[0].stepCount, 1, "the single decode comes back as it was")
    }

    func testBackDuringASlowStepCancelsItAtOnceAndLeavesTheDecodeAsItWas() async throws {
        let (controller, model) = try live()
        await press(controller, "l")
        let gate = DispatchSemaphore(value: 0)
        model.gate = gate
        await controller.perform(Key.character("l"))
        XCTAssertTrue(controller.isStepping)
        await controller.perform(Key.character("h"))
        XCTAssertFalse(controller.isStepping)
        XCTAssertEqual(controller.decodes[0].stepCount, 0)
        model.gate = nil
        gate.signal()
    }

    func testScrubbingOverDecodedStepsReplaysThemWithoutTheModel() async throws {
        let (controller, model) = try live()
        await press(controller, "G")
        for _ in 0..<100 where controller.playback == .playing {
            controller.tick()
            await controller.waitForSteps()
        }
        XCTAssertFalse(controller.decodes[0].canStepForward)
        let decoded = controller.decodes[0].history, forwards = model.forwardCount
        XCTAssertGreaterThan(forwards, 0)

        await press(controller, "g", "G")
        XCTAssertEqual(model.forwardCount, forwards, "g then G replays the kept steps")
        XCTAssertEqual(controller.decodes[0].history, decoded)
        XCTAssertEqual(controller.playback, .paused)
        await press(controller, "h", "h", "h", "l", "l")
        XCTAssertEqual(model.forwardCount, forwards, "back then forward replays too")
        XCTAssertEqual(controller.decodes[0].stepCount, decoded.count - 1)

        await press(controller, "o", "l")
        XCTAssertEqual(model.forwardCount, forwards + 1, "a branch computes its step")
        await press(controller, "h", "l")
        XCTAssertEqual(model.forwardCount, forwards + 1, "and keeps it")
    }

    func testPlayingRunsToTheEndAndStopsThere() async throws {
        let (controller, _) = try live()
        await press(controller, "+", "+", "+", "+", " ")
        for _ in 0..<100 where controller.playback == .playing {
            controller.tick()
            await controller.waitForSteps()
        }
        XCTAssertEqual(controller.playback, .paused)
        XCTAssertFalse(controller.decodes[0].canStepForward)
        XCTAssertTrue(screen(controller).contains("■ done"))
    }

    func testReplayStepsThroughTheRecordingWithoutAModelAndRefusesSettingChanges() async throws {
        let (scope, model) = ScopeModel.scripted()
        let session = try DecodeSession(model: model, promptIds: [1, 2], generationLength: 8,
                                        settings: DecodeSettings(parallelism: .perStep(k: 2)))
        try session.runToEnd()
        let transcript = Transcript(session: session, model: scope.identity, tool: "test", promptText: "a b")
        let controller = try ScopeController.replay(transcript, palette: .monochrome, exportDirectory: exportFolder, playing: false)
        await press(controller, "l", "l")
        XCTAssertTrue(screen(controller).contains("step 2/4"), screen(controller))
        await press(controller, "o")
        XCTAssertTrue(screen(controller).contains("a replay has no model"), screen(controller))
        XCTAssertEqual(controller.decodes[0].settings.order, .confidence)
        await press(controller, "G")
        XCTAssertTrue(screen(controller).contains("step 4/4"))
        await press(controller, "g")
        XCTAssertTrue(screen(controller).contains("step 0/4"))
    }

    func testExportFailureIsAStatusMessageAndTheSessionGoesOn() async throws {
        let (controller, _) = try live()
        let file = exportFolder.appendingPathComponent("not-a-folder")
        try FileManager.default.createDirectory(at: exportFolder, withIntermediateDirectories: true)
        try Data().write(to: file)
        controller.exportDirectory = file
        await press(controller, "l", "e")
        XCTAssertTrue(screen(controller).contains("exporting to \(file.path)/ …"), "the message comes before the work")
        controller.tick()
        XCTAssertTrue(screen(controller).contains("export failed: \(file.path): not a folder"), screen(controller))
        await press(controller, "l")
        XCTAssertEqual(controller.decodes[0].stepCount, 2)
    }

    func testAFailingStepIsAStatusMessageTheStepsStayAndTheNextStepKeyRetries() async throws {
        let (controller, model) = try live()
        await press(controller, "l", "l")
        model.failure = ScriptedFailure.serverGone
        await press(controller, "l")
        XCTAssertTrue(screen(controller).contains("step failed: model server is gone"), screen(controller))
        XCTAssertEqual(controller.decodes[0].stepCount, 2)
        model.failure = nil
        await press(controller, "l")
        XCTAssertEqual(controller.decodes[0].stepCount, 3)
        XCTAssertTrue(screen(controller).contains("step 3/8"), screen(controller))
    }

    func testExportKeyWritesTheFilesAndSaysWhere() async throws {
        let (controller, _) = try live()
        await press(controller, "l", "l", "e")
        XCTAssertTrue(screen(controller).contains("exporting to"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: exportFolder.path), "nothing written before that frame")
        controller.tick()
        let files = try FileManager.default.contentsOfDirectory(atPath: exportFolder.path).sorted()
        XCTAssertEqual(files.count, 3)
        XCTAssertEqual(Set(files.map { ($0 as NSString).pathExtension }), ["jsonl", "md", "cast"])
        XCTAssertTrue(screen(controller).contains("exported"), screen(controller))
    }

    func testNewPromptKeyOpensTheEditorAndEnterDecodesTheTypedPrompt() async throws {
        let (controller, _) = try live()
        await press(controller, "n", "x", "y", "z", " ", "w")
        XCTAssertTrue(screen(controller).contains(PromptEntryOverlay.title))
        await press(controller, "Enter")
        XCTAssertEqual(controller.decodes[0].prompt, "xyz w")
        XCTAssertEqual(controller.playback, .playing)
        await press(controller, "n", "q", "Escape")
        XCTAssertEqual(controller.decodes[0].prompt, "xyz w", "Esc cancels; q is typed, not quit")
        XCTAssertFalse(controller.wantsQuit)
    }

    func testTaskKeyDecodesAHeldOutTaskAndShowsItsExpectedAnswer() async throws {
        let (controller, _) = try live(tasks: [EvalTask(id: "task-7", prompt: "seven eight", answer: "15")])
        await press(controller, "t")
        XCTAssertEqual(controller.decodes[0].prompt, "seven eight")
        XCTAssertTrue(screen(controller).contains("task task-7 · expected 15"), screen(controller))
        await press(controller, "G")
        for _ in 0..<100 where controller.playback == .playing {
            controller.tick()
            await controller.waitForSteps()
        }
        // The scripted text ("w0 w1 …") states no answer; the mark says so next to the expected one.
        XCTAssertTrue(screen(controller).contains("✗ no answer stated · expected 15"), screen(controller))
        let transcript = controller.decodes[0].transcript()
        XCTAssertEqual(transcript.header.taskId, "task-7")
        XCTAssertEqual(transcript.header.expectedAnswer, "15")
    }

    func testColonJumpsToAStepBackwardsAndForwards() async throws {
        let (controller, model) = try live()
        await press(controller, ":", "5", "Enter")
        for _ in 0..<100 where controller.playback == .playing {
            controller.tick()
            await controller.waitForSteps()
        }
        XCTAssertEqual(controller.decodes[0].stepCount, 5)
        XCTAssertEqual(controller.playback, .paused, "it stops at the step")
        let forwards = model.forwardCount
        await press(controller, ":", "2", "Enter")
        XCTAssertEqual(controller.decodes[0].stepCount, 2)
        await press(controller, ":", "4", "Enter")
        XCTAssertEqual(controller.decodes[0].stepCount, 4)
        XCTAssertEqual(model.forwardCount, forwards, "kept steps come back without the model")
        await press(controller, ":", "x", "Enter")
        XCTAssertTrue(screen(controller).contains("\"x\" is not a step number"), screen(controller))
    }

    func testInspectorShowsTheTopCandidatesAndSaysWhenATranscriptLacksThem() async throws {
        let (scope, model) = ScopeModel.scripted()
        let session = try DecodeSession(model: model, promptIds: [1, 2], generationLength: 8,
                                        settings: DecodeSettings(parallelism: .perStep(k: 2)))
        try session.runToEnd()
        var transcript = Transcript(session: session, model: scope.identity, tool: "test", promptText: "a b")
        let controller = try ScopeController.replay(transcript, palette: .monochrome, exportDirectory: exportFolder, playing: false)
        await press(controller, "l", "i")
        var text = controller.screen(width: 120, height: 30).text
        XCTAssertTrue(text.contains("── position 0 ") && text.contains("masked") && text.contains("top 5 at step 1"), text)
        XCTAssertEqual(text.split(separator: "\n").filter { $0.contains(#/[01]\.\d\d [█·]{8} “/#) }.count, 5, text)
        await press(controller, "\t")
        XCTAssertTrue(controller.screen(width: 120, height: 30).text.contains("── position 1 "))

        // A version 1 transcript has no candidates: the inspector says so.
        for index in transcript.steps.indices { transcript.steps[index].topCandidates = [] }
        let old = try ScopeController.replay(transcript, palette: .monochrome, exportDirectory: exportFolder, playing: false)
        await press(old, "l", "i")
        text = old.screen(width: 120, height: 30).text
        XCTAssertTrue(text.contains("top 5: not recorded"), text)
    }

    func testTwoTranscriptsReplaySideBySideInLockstep() async throws {
        let (scope, model) = ScopeModel.scripted()
        let transcripts = try [DecodeOrder.ar, .confidence].map { order in
            let session = try DecodeSession(model: model, promptIds: [1, 2], generationLength: 8,
                                            settings: DecodeSettings(order: order, parallelism: .perStep(k: 2)))
            try session.runToEnd()
            return Transcript(session: session, model: scope.identity, tool: "test", promptText: "a b")
        }
        let controller = try ScopeController.replay(transcripts, palette: .monochrome, exportDirectory: exportFolder, playing: false)
        await press(controller, "l", "l")
        XCTAssertEqual(controller.decodes.map(\.stepCount), [2, 2])
        let text = screen(controller)
        XCTAssertTrue(text.contains("── ar ") && text.contains("│── confidence "), text)
        XCTAssertTrue(text.contains("order ar / confidence") && text.contains("step 2/4 / 2/4"), text)
        await press(controller, "G")
        XCTAssertEqual(controller.decodes.map(\.stepCount), [4, 4])
    }

    func testAReplayWithItsModelStepsWithoutItAndBranchesIntoALiveDecode() async throws {
        let (scope, model) = ScopeModel.scripted()
        let session = try DecodeSession(model: model, promptIds: [1, 2], generationLength: 8,
                                        settings: DecodeSettings(parallelism: .perStep(k: 2)))
        try session.runToEnd()
        let transcript = Transcript(session: session, model: scope.identity, tool: "test", promptText: "a b")
        let recorded = model.forwardCount
        let controller = try ScopeController.branchable(transcript, model: scope, palette: .monochrome,
                                                        exportDirectory: exportFolder, playing: false)
        await press(controller, "l", "l")
        XCTAssertEqual(controller.decodes[0].history, Array(transcript.steps.prefix(2)))
        XCTAssertEqual(model.forwardCount, recorded, "recorded steps replay without the model")
        await press(controller, "o", "l")
        XCTAssertEqual(model.forwardCount, recorded + 1, "a settings key branches into a live decode")
        XCTAssertEqual(controller.decodes[0].history.map(\.settings.order), [.confidence, .confidence, .margin])
        XCTAssertTrue(screen(controller).contains("branched at step 2"), screen(controller))
    }

    func testAMessageLastsUntilTheNextAction() async throws {
        let (controller, _) = try live()
        await press(controller, "c", "c")
        XCTAssertTrue(screen(controller).contains("compare mode off"))
        await press(controller, "r")
        XCTAssertFalse(screen(controller).contains("compare mode off"), screen(controller))
        await press(controller, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-")
        XCTAssertTrue(screen(controller).contains("already at the slowest speed"))
        await press(controller, "o")
        XCTAssertFalse(screen(controller).contains("already at the slowest speed"), screen(controller))
    }

    func testHelpOpensOnQuestionMarkAndTheNextKeyOnlyClosesIt() async throws {
        let (controller, _) = try live()
        await press(controller, "?")
        XCTAssertTrue(screen(controller).contains(HelpOverlay.title))
        await press(controller, "l")
        XCTAssertFalse(screen(controller).contains(HelpOverlay.title))
        XCTAssertEqual(controller.decodes[0].stepCount, 0)
        await press(controller, "q")
        XCTAssertTrue(controller.wantsQuit)
    }
}

private enum ScriptedFailure: Error, CustomStringConvertible {
    case serverGone

    var description: String { "model server is gone" }
}
