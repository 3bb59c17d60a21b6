import Foundation
import Models
import XCTest

/// `dscope logits`: one full-canvas forward written as a float32 .npy matrix.
final class LogitsCommandTests: XCTestCase {
    private func fixture(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures").appendingPathComponent(relative).path
    }

    private func temporaryPath() -> String {
        let path = NSTemporaryDirectory() + "logits-\(UUID().uuidString).npy"
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func testWritesEveryRowOfTheModelsForward() throws {
        let ids = [3, 17, 299, 299, 42, 298, 0, 120]
        for folder in ["llada-f32", "dream-bf16", "gguf-llada-q8_0/model.gguf"] {
            let out = temporaryPath()
            let result = try DscopeBinary.run(["logits", "--model", fixture(folder), "--threads", "1",
                                               "--ids", ids.map(String.init).joined(separator: ","), "--out", out])
            XCTAssertEqual(result.status, 0, result.stderr)
            let written = try NPYMatrix(contentsOf: out)
            let model = try ModelLocation(fixture(folder)).model(threads: 1)
            let forward = try model.logits(tokens: ids, positions: Array(ids.indices))
            XCTAssertEqual([written.rows, written.columns], [ids.count, model.config.embeddingSize], folder)
            XCTAssertEqual(written.values.map(\.bitPattern), forward.values.map(\.bitPattern), folder)
        }
    }

    func testIdOutsideTheEmbeddingIsOneErrorLine() throws {
        let out = temporaryPath()
        let result = try DscopeBinary.run(["logits", "--model", fixture("llada-f32"), "--ids", "1,304", "--out", out])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        XCTAssertTrue(result.stderr.contains("token id 304 is outside the model's embedding (ids 0…303)"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
    }

    func testMalformedIdsAreOneErrorLine() throws {
        let result = try DscopeBinary.run(["logits", "--model", fixture("llada-f32"), "--ids", "1,,x", "--out", temporaryPath()])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: --ids \"1,,x\""), result.stderr)
    }
}
