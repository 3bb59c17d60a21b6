import XCTest
import Models
@testable import Decoder

/// How far Fast-dLLM's caches move the bundled model's decodes from exact ones: no further than
/// they did when the model was exported (docs/performance.md), less 5 % of the positions for
/// near-tie flips after a kernel change.
final class BundledModelCacheTests: XCTestCase {
    /// Measured from the exported model by tools/regenerate_bundled_expectations.py.
    private struct Measured: Decodable {
        var tasks: Int
        var blockLength: Int
        var positions: Int
        var agreeing: [String: Int]

        enum CodingKeys: String, CodingKey {
            case tasks, positions, agreeing
            case blockLength = "block_length"
        }
    }

    func testCachedDecodesAgreeWithExactDecodesAsMeasuredAtExport() throws {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/tiny-arith-cache-agreement.json")
        let measured = try JSONDecoder().decode(Measured.self, from: Data(contentsOf: file))
        let location = try ModelLocation(ModelLocation.defaultName)
        let model = try location.model(threads: 2)
        let tokenizer = try XCTUnwrap(try location.tokenizer())
        let length = try XCTUnwrap(location.generationDefaults.generationLength)
        let tasks = try TaskFile.read(path: XCTUnwrap(location.companionFile("heldout.jsonl"))).prefix(measured.tasks)

        func decode(_ prompt: [Int], _ cache: CacheMode) throws -> [Int] {
            let session = try DecodeSession(model: model, promptIds: prompt, generationLength: length,
                                            settings: DecodeSettings(blockLength: measured.blockLength,
                                                                     parallelism: .perStep(k: 1), cache: cache))
            try session.runToEnd()
            return session.canvas.generatedIds
        }
        var agreeing: [CacheMode: Int] = [:], total = 0
        for task in tasks {
            let prompt = try tokenizer.promptIDs(for: task.prompt, chat: true)
            let exact = try decode(prompt, .exact)
            total += exact.count
            for mode in [CacheMode.prefix, .dual] {
                agreeing[mode, default: 0] += zip(try decode(prompt, mode), exact).filter { $0 == $1 }.count
            }
        }
        XCTAssertEqual(total, measured.positions, "the fixture was measured on another export: run tools/regenerate_bundled_expectations.py")
        for mode in [CacheMode.prefix, .dual] {
            let expected = try XCTUnwrap(measured.agreeing[mode.rawValue], "\(mode.rawValue) missing in \(file.lastPathComponent)")
            let agreement = Double(agreeing[mode] ?? 0) / Double(total)
            let floor = Double(expected) / Double(measured.positions) - 0.05
            print("\(mode.rawValue) cache: \(agreeing[mode] ?? 0)/\(total) tokens as the exact decode (\(expected) at export)")
            XCTAssertGreaterThanOrEqual(agreement, floor, "\(mode.rawValue) cache: \(agreeing[mode] ?? 0)/\(total) tokens, \(expected) at export")
        }
    }
}
