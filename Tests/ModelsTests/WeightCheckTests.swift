import Foundation
import XCTest
@testable import Models

/// `inspect --check-weights`: a NaN or ∞ anywhere in a checkpoint is found and named.
final class WeightCheckTests: XCTestCase {
    /// A copy of `fixture` whose tensor `name` has `value` at flat index `index` (F32 tensors).
    private func poisonedCopy(of fixture: String, tensor name: String, index: Int, value: Float) throws -> String {
        let folder = NSTemporaryDirectory() + "dscope-weights-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: Fixture.path(fixture), toPath: folder)
        let url = URL(fileURLWithPath: folder + "/model.safetensors")
        var data = try Data(contentsOf: url)
        let headerLength = Int(data.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) })
        let header = try XCTUnwrap(JSONSerialization.jsonObject(with: data.subdata(in: 8..<(8 + headerLength))) as? [String: Any])
        let entry = try XCTUnwrap(header[name] as? [String: Any])
        XCTAssertEqual(entry["dtype"] as? String, "F32")
        let start = try XCTUnwrap((entry["data_offsets"] as? [Int])?.first)
        let offset = 8 + headerLength + start + index * 4
        withUnsafeBytes(of: value.bitPattern.littleEndian) { data.replaceSubrange(offset..<(offset + 4), with: $0) }
        try data.write(to: url)
        return folder
    }

    private func check(_ folder: String) throws -> WeightCheck.Finding? {
        let configuration = try ArchitectureRegistry.configuration(folder: folder)
        let weights = try TransformerWeights(config: configuration.transformer, source: SafetensorsCheckpoint(folder: folder),
                                             layout: configuration.layout)
        return WeightCheck.firstNonFinite(weights, config: configuration.transformer, layout: configuration.layout)
    }

    func testAFiniteCheckpointHasNoFinding() throws {
        XCTAssertNil(try check(Fixture.path("llada-f32")))
    }

    func testTheFirstNonFiniteTensorIsNamedWithItsIndex() throws {
        let cases: [(String, Int, Float, Int, Int)] = [
            ("model.transformer.blocks.1.q_proj.weight", 72 * 3 + 5, .nan, 3, 5),
            ("model.transformer.blocks.0.attn_norm.weight", 7, .infinity, 0, 7),
            ("model.transformer.ln_f.weight", 0, -.infinity, 0, 0),
        ]
        for (tensor, index, value, row, column) in cases {
            let folder = try poisonedCopy(of: "llada-f32", tensor: tensor, index: index, value: value)
            defer { try? FileManager.default.removeItem(atPath: folder) }
            XCTAssertEqual(try check(folder), WeightCheck.Finding(tensor: tensor, row: row, column: column))
        }
    }
}
