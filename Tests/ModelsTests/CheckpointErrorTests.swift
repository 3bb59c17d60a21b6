import XCTest
@testable import Models

/// Bad input must give a typed error that names the file and the problem, never a crash.
final class CheckpointErrorTests: XCTestCase {
    private func error(loading folder: String) -> ModelError? {
        modelError { _ = try TransformerModel(folder: Fixture.path(folder), threads: 1) }
    }

    private func error(opening file: String) -> ModelError? {
        modelError { _ = try SafetensorsFile(path: Fixture.path(file)) }
    }

    func testTruncatedDataIsRejected() {
        assertMessage(error(opening: "broken/truncated.safetensors"),
                      names: "broken/truncated.safetensors", mentions: ["truncated"])
    }

    func testHeaderLongerThanTheFileIsRejected() {
        assertMessage(error(opening: "broken/header-too-long.safetensors"),
                      names: "broken/header-too-long.safetensors", mentions: ["header length", "longer than the file"])
    }

    func testDTypeTimesShapeMustEqualTheByteSpan() {
        assertMessage(error(opening: "broken/dtype-shape-mismatch.safetensors"),
                      names: "broken/dtype-shape-mismatch.safetensors", mentions: ["BF16", "shape"])
    }

    func testOverlappingTensorsAreRejected() {
        assertMessage(error(opening: "broken/overlap.safetensors"),
                      names: "broken/overlap.safetensors", mentions: ["overlap"])
    }

    func testHeaderThatIsNotJSONIsRejected() {
        assertMessage(error(opening: "broken/not-json.safetensors"),
                      names: "broken/not-json.safetensors", mentions: ["JSON"])
    }

    func testMissingTensorIsNamed() {
        assertMessage(error(loading: "broken/missing-tensor"),
                      names: "broken/missing-tensor/model.safetensors",
                      mentions: ["model.transformer.blocks.0.up_proj.weight", "missing"])
    }

    func testUnknownModelTypeIsNamed() {
        assertMessage(error(loading: "broken/unknown-model-type"),
                      names: "broken/unknown-model-type/config.json", mentions: ["gpt2", "not supported"])
    }

    func testMissingConfigIsReported() {
        assertMessage(error(loading: "broken/no-config"),
                      names: "broken/no-config/config.json", mentions: ["config.json", "no such file"])
    }

    func testMissingFolderIsReported() {
        assertMessage(error(loading: "no-such-model"), names: "no-such-model", mentions: ["no such file"])
    }

    func testEmptyFileIsRejected() throws {
        let path = NSTemporaryDirectory() + "empty-\(UUID().uuidString).safetensors"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try SafetensorsFile(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path))
            XCTAssertTrue("\(error)".contains("shorter than the 8-byte header length"))
        }
    }

    func testValidFileListsTensorsWithShapesAndDTypes() throws {
        let file = try SafetensorsFile(path: Fixture.path("llada-bf16/model.safetensors"))
        let embedding = try XCTUnwrap(file.tensors["model.transformer.wte.weight"])
        XCTAssertEqual(embedding.dtype, .BF16)
        XCTAssertEqual(embedding.shape, [304, 72])
        XCTAssertEqual(embedding.bytes.count, 304 * 72 * 2)
    }

    func testConfigKeysAreReadFromHuggingFaceNames() throws {
        let config = try ArchitectureRegistry.configuration(folder: Fixture.path("llada-gqa")).transformer
        XCTAssertEqual(config.nKVHeads, 2)
        XCTAssertEqual(config.headDim, 18)
        XCTAssertEqual(config.embeddingSize, 304)
        XCTAssertEqual(config.maskTokenId, 299)
        XCTAssertEqual(config.ropeTheta, 500_000)
    }
}
