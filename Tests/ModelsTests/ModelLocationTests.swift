import XCTest
@testable import Models

/// One entry point for every format: a bundled name, a Hugging Face folder, a GGUF file.
final class ModelLocationTests: XCTestCase {
    func testBundledModelIsFoundByNameWithItsFiles() throws {
        let location = try ModelLocation(ModelLocation.defaultName)
        XCTAssertEqual(location.name, "tiny-arith")
        XCTAssertNotNil(location.companionFile("heldout.jsonl"))
        XCTAssertNotNil(try location.tokenizer())
        XCTAssertEqual(try location.configuration().transformer.architecture, "llada")
        XCTAssertNotNil(try location.generationDefaults.generationLength)
    }

    func testFolderIsHuggingFaceAndFileIsGGUF() throws {
        guard case .huggingFaceFolder = try ModelLocation(Fixture.path("llada-gqa")).format else {
            return XCTFail("folder not read as Hugging Face layout")
        }
        guard case .ggufFile(let file) = try ModelLocation(Fixture.path("gguf-llada-f16/model.gguf")).format else {
            return XCTFail("file not read as GGUF")
        }
        XCTAssertEqual(file.architecture, "llada")
    }

    func testConfigOfEitherFormatWithoutLoadingWeights() throws {
        XCTAssertEqual(try ModelLocation(Fixture.path("llada-gqa")).configuration().transformer.nKVHeads, 2)
        XCTAssertEqual(try ModelLocation(Fixture.path("gguf-dream-q8_0/model.gguf")).configuration().transformer.architecture, "dream")
    }

    func testFolderWithoutTokenizerHasNone() throws {
        XCTAssertNil(try ModelLocation(Fixture.path("llada-f32")).tokenizer())
        XCTAssertEqual(try ModelLocation(Fixture.path("llada-f32")).generationDefaults, GenerationDefaults())
    }

    func testUnknownNameSaysWhatToGive() {
        XCTAssertThrowsError(try ModelLocation("no-such-model")) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix("no-such-model:"), message)
            XCTAssertTrue(message.contains("tiny-arith"), message)
            XCTAssertTrue(message.contains(".gguf"), message)
        }
    }

    func testAFileThatIsNotGGUFIsReportedAsSuch() {
        XCTAssertThrowsError(try ModelLocation(Fixture.path("llada-f32/config.json"))) { error in
            XCTAssertTrue("\(error)".contains("not a valid GGUF file: bad magic"), "\(error)")
        }
    }
}
