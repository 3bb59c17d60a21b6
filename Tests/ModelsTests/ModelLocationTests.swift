import XCTest
@testable import Models

final class ModelLocationTests: XCTestCase {
    func testBundledModelIsFoundByNameWithItsFiles() throws {
        let location = try ModelLocation(ModelLocation.defaultName)
        XCTAssertEqual(location.name, "tiny-arith")
        for file in ["config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "heldout.jsonl"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: location.file(file)), file)
        }
        XCTAssertNotNil(location.generationDefaults.generationLength)
    }

    func testBundledModelHasHeldOutTasksWithAnswers() throws {
        let tasks = try ModelLocation(ModelLocation.defaultName).heldOutTasks()
        XCTAssertFalse(tasks.isEmpty)
        XCTAssertEqual(tasks[0].id, "heldout-000")
        XCTAssertTrue(tasks[0].prompt.hasSuffix("?"))
        XCTAssertNotNil(Int(tasks[0].answer))
    }

    func testAFolderWithoutHeldOutTasksHasNone() throws {
        XCTAssertEqual(try ModelLocation(Fixture.path("llada-f32")).heldOutTasks(), [])
    }

    func testAFolderPathIsUsedAsGiven() throws {
        let location = try ModelLocation(Fixture.path("llada-f32"))
        XCTAssertEqual(location.folder, Fixture.path("llada-f32"))
        XCTAssertEqual(location.generationDefaults, GenerationDefaults())
    }

    func testUnknownNameSaysWhatToGive() {
        XCTAssertThrowsError(try ModelLocation("no-such-model")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("no-such-model:"), message)
            XCTAssertTrue(message.contains("tiny-arith"), message)
        }
    }

    func testAFileIsNotAModelFolder() {
        XCTAssertThrowsError(try ModelLocation(Fixture.path("llada-f32/config.json"))) { error in
            XCTAssertTrue("\(error)".contains("not a folder"))
        }
    }
}
