import XCTest
@testable import Models

/// The GGUF reader: metadata of every type, tensor infos, and one clear line naming the file for
/// every kind of damage (tools/make_gguf_fixtures.py writes broken/*.gguf).
final class GGUFFileTests: XCTestCase {
    private func error(opening file: String) -> ModelError? {
        modelError { _ = try GGUFFile(path: Fixture.path(file)) }
    }

    func testReadsMetadataOfEveryKindAndTensorInfos() throws {
        let file = try GGUFFile(path: Fixture.path("gguf-llada-q8_0/model.gguf"))
        XCTAssertEqual(file.version, 3)
        XCTAssertEqual(file.architecture, "llada")
        XCTAssertEqual(file.alignment, 32)
        XCTAssertEqual(file.dataOffset % 32, 0)
        XCTAssertEqual(file.metadata["llada.embedding_length"], .uint32(64))
        XCTAssertEqual(file.metadata["llada.rope.freq_base"], .float32(500_000))
        XCTAssertEqual(file.metadata["diffusion.shift_logits"], .bool(false))
        XCTAssertEqual(file.metadata["tokenizer.ggml.model"], .string("gpt2"))
        XCTAssertEqual(file.metadata["tokenizer.ggml.tokens"]?.array?.count, 832)
        XCTAssertEqual(file.metadata["tokenizer.ggml.tokens"]?.typeName, "array[string]")
        XCTAssertEqual(file.metadata["tokenizer.ggml.token_type"]?.array?[802], .int32(3))
        XCTAssertEqual(file.metadataKeys.first, "general.architecture")

        XCTAssertEqual(file.tensors.count, 2 * 9 + 3)
        let query = try XCTUnwrap(file.tensor("blk.1.attn_q.weight"))
        XCTAssertEqual(query.type.name, "Q8_0")
        XCTAssertEqual(query.dimensions, [64, 64])
        XCTAssertEqual(query.bytes.count, 64 * 2 * 34)
        let key = try XCTUnwrap(file.tensor("blk.0.attn_k.weight"))
        XCTAssertEqual(key.shape, [32, 64], "PyTorch order: [out, in]")
        XCTAssertEqual(file.tensor("output_norm.weight")?.type.name, "F32")
    }

    func testTwoTensorFileIsValid() throws {
        let file = try GGUFFile(path: Fixture.path("broken/valid-two-tensors.gguf"))
        XCTAssertEqual(file.tensors.map(\.name), ["a.weight", "b.weight"])
        let b = try XCTUnwrap(file.tensor("b.weight"))
        XCTAssertEqual(Array(b.bytes.bindMemory(to: Float.self).prefix(2)), [32, 33])
    }

    func testTruncatedDataIsRejected() {
        assertMessage(error(opening: "broken/truncated.gguf"), names: "broken/truncated.gguf",
                      mentions: ["b.weight", "truncated"])
    }

    func testTruncatedHeaderNamesTheFieldBeingRead() {
        assertMessage(error(opening: "broken/truncated-header.gguf"), names: "broken/truncated-header.gguf",
                      mentions: ["general.architecture", "truncated"])
    }

    func testBadMagicIsRejected() {
        assertMessage(error(opening: "broken/bad-magic.gguf"), names: "broken/bad-magic.gguf",
                      mentions: ["bad magic", "GGUF"])
    }

    func testVersionOneIsRejected() {
        assertMessage(error(opening: "broken/version-1.gguf"), names: "broken/version-1.gguf",
                      mentions: ["version 1", "not supported"])
    }

    func testTensorOutOfBoundsIsRejected() {
        assertMessage(error(opening: "broken/out-of-bounds.gguf"), names: "broken/out-of-bounds.gguf",
                      mentions: ["b.weight", "4096", "data section"])
    }

    func testMisalignedTensorIsRejected() {
        assertMessage(error(opening: "broken/misaligned.gguf"), names: "broken/misaligned.gguf",
                      mentions: ["b.weight", "alignment 32"])
    }

    func testUnknownTensorTypeIsRejected() {
        assertMessage(error(opening: "broken/unknown-type.gguf"), names: "broken/unknown-type.gguf",
                      mentions: ["a.weight", "unknown ggml type 99"])
    }

    func testTypeTheMatmulCannotReadIsNamedWhenTheWeightIsLoaded() throws {
        let file = try GGUFFile(path: Fixture.path("broken/unsupported-type.gguf"))
        XCTAssertEqual(file.tensor("a.weight")?.type.name, "Q2_K")
        do {
            _ = try GGUFCheckpoint(file: file).matrix("a.weight", rows: 1, columns: 256)
            XCTFail("Q2_K loaded")
        } catch let error as ModelError {
            assertMessage(error, names: "broken/unsupported-type.gguf", mentions: ["a.weight", "Q2_K", "Q4_K, Q5_K, Q6_K"])
        }
    }

    func testWrongShapeAndMissingTensorAreNamed() throws {
        let checkpoint = GGUFCheckpoint(file: try GGUFFile(path: Fixture.path("broken/valid-two-tensors.gguf")))
        XCTAssertThrowsError(try checkpoint.matrix("a.weight", rows: 8, columns: 4)) { error in
            XCTAssertEqual(error as? ModelError, .tensorShape(path: Fixture.path("broken/valid-two-tensors.gguf"),
                                                              name: "a.weight", expected: [8, 4], found: [4, 8]))
        }
        XCTAssertThrowsError(try checkpoint.matrix("c.weight", rows: 4, columns: 8)) { error in
            XCTAssertTrue("\(error)".contains("c.weight is missing"), "\(error)")
        }
        XCTAssertEqual(try checkpoint.matrix("a.weight", rows: 4, columns: 8).floats().last, 31)
    }

    func testUnsupportedArchitectureIsNamed() throws {
        let file = try GGUFFile(path: Fixture.path("broken/valid-two-tensors.gguf"))
        // The two-tensor file says "llada" but has no token embedding.
        XCTAssertThrowsError(try GGUFHyperparameters.read(file)) { error in
            XCTAssertTrue("\(error)".contains("token_embd.weight"), "\(error)")
        }
    }

    func testEmptyFileIsRejected() throws {
        let path = NSTemporaryDirectory() + "empty-\(UUID().uuidString).gguf"
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data()))
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try GGUFFile(path: path)) { error in
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
            XCTAssertTrue("\(error)".contains("magic"), "\(error)")
        }
    }
}
