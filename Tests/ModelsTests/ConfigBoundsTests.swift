import Foundation
import XCTest
@testable import Models

/// Every hyperparameter of config.json (LLaDA and Dream) and of GGUF metadata is range-checked on
/// load, before a head dimension, a rotary frequency or a buffer is derived from it; the error is
/// one line naming the file, the key, the value and what is allowed.
final class ConfigBoundsTests: XCTestCase {
    /// A copy of a fixture's config.json with `changes` applied, in a fresh folder.
    private func folder(from fixture: String, _ changes: [String: Any]) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixture.path(fixture + "/config.json")))
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        for (key, value) in changes { object[key] = value }
        let folder = NSTemporaryDirectory() + "dscope-config-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: folder + "/config.json"))
        return folder
    }

    private func assertRefused(_ fixture: String, _ changes: [String: Any], mentions words: [String],
                               line: UInt = #line) throws {
        let folder = try folder(from: fixture, changes)
        XCTAssertThrowsError(try ArchitectureRegistry.configuration(folder: folder), "\(changes)", line: line) { error in
            let message = "\(error)"
            XCTAssertTrue(message.hasPrefix(folder + "/config.json"), message, line: line)
            XCTAssertFalse(message.contains("\n"), message, line: line)
            for word in words { XCTAssertTrue(message.contains(word), "\(message) should mention \(word)", line: line) }
        }
    }

    func testLLaDARopeThetaAndRMSNormEpsMustBeFiniteAndPositive() throws {
        for theta in [0, -500_000, 1e300, 0.5] as [Double] {
            try assertRefused("llada-f32", ["rope_theta": theta], mentions: ["rope_theta"])
        }
        for eps in [0, -1e-5, 2] as [Double] {
            try assertRefused("llada-f32", ["rms_norm_eps": eps], mentions: ["rms_norm_eps"])
        }
    }

    func testLLaDASizesArePositiveAndBounded() throws {
        try assertRefused("llada-f32", ["n_heads": 0], mentions: ["n_heads 0", "1…1024"])
        try assertRefused("llada-f32", ["n_kv_heads": -2], mentions: ["n_kv_heads -2"])
        try assertRefused("llada-f32", ["d_model": 1 << 40], mentions: ["d_model 1099511627776"])
        try assertRefused("llada-f32", ["n_layers": 1_000_000_000], mentions: ["n_layers"])
        try assertRefused("llada-f32", ["max_sequence_length": 0], mentions: ["max_sequence_length 0"])
        try assertRefused("llada-f32", ["vocab_size": Int.max, "embedding_size": Int.max], mentions: ["vocab_size"])
    }

    func testLLaDATokenIdsLieInsideTheEmbedding() throws {
        try assertRefused("llada-f32", ["eos_token_id": 304], mentions: ["eos_token_id 304", "304 rows"])
        try assertRefused("llada-f32", ["pad_token_id": -1], mentions: ["pad_token_id -1"])
        try assertRefused("llada-f32", ["mask_token_id": 1 << 40], mentions: ["mask_token_id"])
    }

    func testDreamConfigNamesItsOwnKeys() throws {
        try assertRefused("dream-bf16", ["num_attention_heads": 0], mentions: ["num_attention_heads 0"])
        try assertRefused("dream-bf16", ["rope_theta": -1], mentions: ["rope_theta -1"])
        try assertRefused("dream-bf16", ["max_position_embeddings": -64], mentions: ["max_position_embeddings -64"])
        try assertRefused("dream-bf16", ["eos_token_id": 5000], mentions: ["eos_token_id 5000"])
    }

    func testNumbersThatDoNotFitTheirFieldAreNamedAsSuch() throws {
        for (key, text) in [("d_model", "72.5"), ("rms_norm_eps", "1e39"), ("rope_theta", "1e999"), ("n_layers", "99999999999999999999")] {
            let folder = try folder(from: "llada-f32", [:])
            let path = folder + "/config.json"
            let json = try String(contentsOfFile: path, encoding: .utf8)
            let edited = json.replacingOccurrences(of: #""\#(key)":[^,}]+"#, with: "\"\(key)\":\(text)", options: .regularExpression)
            XCTAssertNotEqual(edited, json)
            try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try ArchitectureRegistry.configuration(folder: folder), key) { error in
                let message = "\(error)"
                XCTAssertTrue(message.hasPrefix(path), message)
                XCTAssertFalse(message.contains("DecodingError"), message)
                XCTAssertTrue(message.contains("number") || message.contains("not representable"), message)
            }
        }
    }

    func testTheFixturesStillLoad() throws {
        for fixture in ["llada-f32", "llada-gqa", "dream-bf16"] {
            XCTAssertNoThrow(try ArchitectureRegistry.configuration(folder: Fixture.path(fixture)))
        }
    }

    // MARK: - GGUF

    private func ggufError(_ change: (inout GGUFBuilder) -> Void) throws -> String? {
        var builder = GGUFBuilder.tinyLLaDA()
        change(&builder)
        let path = try builder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try GGUFHyperparameters.read(GGUFFile(path: path))
            return nil
        } catch let error as ModelError {
            let message = error.description
            XCTAssertTrue(message.hasPrefix(path), message)
            return message
        }
    }

    func testTheTinyGGUFReads() throws {
        XCTAssertNil(try ggufError { _ in })
    }

    func testGGUFHeadCountZeroIsRefusedBeforeTheHeadDimensionIsDerived() throws {
        let message = try ggufError { $0.set("llada.attention.head_count", .uint32(0)) }
        XCTAssertTrue(message?.contains("llada.attention.head_count 0") == true, message ?? "no error")
    }

    func testGGUFHyperparametersAreBounded() throws {
        let cases: [(String, GGUFValue, String)] = [
            ("llada.block_count", .uint64(1 << 40), "llada.block_count 1099511627776"),
            ("llada.rope.freq_base", .float32(-1), "llada.rope.freq_base"),
            ("llada.rope.freq_base", .float32(.nan), "llada.rope.freq_base"),
            ("llada.rope.freq_base", .float64(.infinity), "llada.rope.freq_base"),
            ("llada.attention.layer_norm_rms_epsilon", .float32(.nan), "layer_norm_rms_epsilon"),
            ("llada.attention.layer_norm_rms_epsilon", .float64(1e300), "layer_norm_rms_epsilon"),
            ("llada.context_length", .int64(-5), "llada.context_length -5"),
            ("tokenizer.ggml.eos_token_id", .uint32(40), "tokenizer.ggml.eos_token_id 40"),
        ]
        for (key, value, expected) in cases {
            let message = try ggufError { $0.set(key, value) }
            XCTAssertTrue(message?.contains(expected) == true, "\(key) = \(value): \(message ?? "no error")")
        }
    }
}
