import Foundation
import XCTest

/// A checkpoint with a NaN in its weights: `decode` stops with one line naming the model and the
/// position, `inspect --check-weights` names the tensor; both exit 1.
final class NonFiniteModelCommandTests: XCTestCase {
    private static let tiny = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("DecoderTests/Fixtures/llada-tiny").path
    private static let poisonedTensor = "model.transformer.ln_f.weight"

    /// A copy of the decoder's tiny LLaDA with a NaN in ln_f (F32).
    private func poisonedModel() throws -> String {
        let folder = NSTemporaryDirectory() + "dscope-nan-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Self.tiny, toPath: folder)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let url = URL(fileURLWithPath: folder + "/model.safetensors")
        var data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let start = try XCTUnwrap(((header[Self.poisonedTensor] as? [String: Any])?["data_offsets"] as? [Int])?.first)
        let offset = 8 + headerLength + start + 4 * 3
        withUnsafeBytes(of: Float.nan.bitPattern.littleEndian) { data.replaceSubrange(offset..<(offset + 4), with: $0) }
        try data.write(to: url)
        return folder
    }

    private func assertOneLineError(_ result: DscopeBinary.Result, mentions words: [String], line: UInt = #line) {
        XCTAssertEqual(result.status, 1, result.stderr, line: line)
        XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr, line: line)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line: \(result.stderr)", line: line)
        for word in words { XCTAssertTrue(result.stderr.contains(word), "\(result.stderr) should mention \(word)", line: line) }
    }

    func testDecodeStopsAtTheFirstNonFiniteLogitsNamingModelAndPosition() throws {
        let model = try poisonedModel()
        let result = try DscopeBinary.run(["decode", "--model", model, "--prompt-ids", "1,2,3", "--gen-length", "8"])
        assertOneLineError(result, mentions: [model, "position", "not finite", "--check-weights"])
        XCTAssertEqual(result.stdout, "")
    }

    func testCheckWeightsNamesTheFirstBadTensor() throws {
        let model = try poisonedModel()
        let result = try DscopeBinary.run(["inspect", "--check-weights", model])
        assertOneLineError(result, mentions: [model, Self.poisonedTensor, "[0, 3]"])
    }

    func testCheckWeightsPassesAFiniteModel() throws {
        let result = try DscopeBinary.run(["inspect", "--check-weights", Self.tiny])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("every tensor finite"), result.stdout)
    }
}
