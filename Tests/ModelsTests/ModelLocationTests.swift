import XCTest
@testable import Models

/// One entry point for every format: a folder is Hugging Face layout, a file is GGUF.
final class ModelLocationTests: XCTestCase {
    func testFolderIsHuggingFaceAndFileIsGGUF() throws {
        guard case .huggingFaceFolder = try ModelLocation(path: Fixture.path("llada-gqa")) else {
            return XCTFail("folder not read as Hugging Face layout")
        }
        guard case .ggufFile(let file) = try ModelLocation(path: Fixture.path("gguf-llada-f16/model.gguf")) else {
            return XCTFail("file not read as GGUF")
        }
        XCTAssertEqual(file.architecture, "llada")
    }

    func testConfigOfEitherFormatWithoutLoadingWeights() throws {
        XCTAssertEqual(try ModelLocation(path: Fixture.path("llada-gqa")).config().nKVHeads, 2)
        XCTAssertEqual(try ModelLocation(path: Fixture.path("gguf-dream-q8_0/model.gguf")).config().modelType, "dream")
    }

    func testMissingPathSaysWhatToGive() {
        let path = Fixture.path("no-such-model.gguf")
        XCTAssertThrowsError(try ModelLocation(path: path)) { error in
            XCTAssertEqual(error as? ModelError,
                           .missingFile(path: path, hint: "give a model folder (Hugging Face layout) or a .gguf file"))
        }
    }

    func testAFileThatIsNotGGUFIsReportedAsSuch() {
        XCTAssertThrowsError(try ModelLocation(path: Fixture.path("llada-f32/config.json"))) { error in
            XCTAssertTrue("\(error)".contains("not a valid GGUF file: bad magic"), "\(error)")
        }
    }
}
