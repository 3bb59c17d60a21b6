import Decoder
import Foundation
import XCTest
@testable import Models
@testable import TUI

/// What the model refuses or cannot compute reaches the status bar; the session goes on.
@MainActor
final class ScopeModelErrorTests: XCTestCase {
    /// A scope whose prompts are one id per word (no cut), on a model of `contextLength` positions.
    private func live(contextLength: Int, allowsBeyondContext: Bool = false) throws -> (ScopeController, ScriptedModel) {
        let (scripted, model) = ScopeModel.scripted()
        var scope = scripted
        scope.encodePrompt = { text in text.split(separator: " ").map { $0.count % 10 } }
        scope.allowsBeyondContext = allowsBeyondContext
        model.contextLength = contextLength
        let controller = try ScopeController.live(model: scope, prompt: "a b", settings: DecodeSettings(parallelism: .schedule(steps: 8)),
                                                  palette: .monochrome, exportDirectory: FileManager.default.temporaryDirectory,
                                                  playing: false)
        return (controller, model)
    }

    private func press(_ controller: ScopeController, _ keys: [Key]) async {
        for key in keys { await controller.perform(key) }
        await controller.waitForSteps()
    }

    private func screen(_ controller: ScopeController) -> String {
        controller.screen(width: 200, height: 30).text
    }

    func testATypedPromptBeyondTheContextIsAMessageAndTheDecodeStays() async throws {
        let (controller, _) = try live(contextLength: 12)
        await press(controller, [.character("l")])
        let long = "one two three four five six seven"
        await press(controller, [.character("n")] + long.map { Key.character($0) } + [.enter])
        XCTAssertTrue(screen(controller).contains("exceed the model's context of 12"), screen(controller))
        XCTAssertEqual(controller.decodes[0].prompt, "a b")
        XCTAssertEqual(controller.decodes[0].stepCount, 1)
    }

    func testWithAllowBeyondContextTheLongPromptDecodes() async throws {
        let (controller, _) = try live(contextLength: 12, allowsBeyondContext: true)
        let long = "one two three four five six seven"
        await press(controller, [.character("n")] + long.map { Key.character($0) } + [.enter])
        XCTAssertEqual(controller.decodes[0].prompt, long)
    }

    func testNonFiniteLogitsStopTheStepWithAMessageAndKeepTheSession() async throws {
        let (controller, model) = try live(contextLength: 64)
        await press(controller, [.character("l")])
        model.givesNaN = true
        await press(controller, [.character("l")])
        XCTAssertTrue(screen(controller).contains("not finite"), screen(controller))
        XCTAssertEqual(controller.decodes[0].stepCount, 1)
        model.givesNaN = false
        await press(controller, [.character("l")])
        XCTAssertEqual(controller.decodes[0].stepCount, 2)
    }
}
