import XCTest
import Models
@testable import Decoder

/// How far Fast-dLLM's caches move the bundled model's decodes from exact ones: the tolerance
/// documented in docs/performance.md.
final class BundledModelCacheTests: XCTestCase {
    func testCachedDecodesAgreeWithExactDecodesWithinTheDocumentedTolerance() throws {
        let location = try ModelLocation(ModelLocation.defaultName)
        let model = try location.model(threads: 2)
        let tokenizer = try XCTUnwrap(try location.tokenizer())
        let length = try XCTUnwrap(location.generationDefaults.generationLength)
        let tasks = try TaskFile.read(path: XCTUnwrap(location.companionFile("heldout.jsonl"))).prefix(4)

        func decode(_ prompt: [Int], _ cache: CacheMode) throws -> [Int] {
            let session = try DecodeSession(model: model, promptIds: prompt, generationLength: length,
                                            settings: DecodeSettings(blockLength: 8, parallelism: .perStep(k: 1), cache: cache))
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
        // Measured when the model was exported: prefix 318/320, dual 306/320.
        for (mode, tolerance) in [(CacheMode.prefix, 0.95), (.dual, 0.9)] {
            let agreement = Double(agreeing[mode] ?? 0) / Double(total)
            XCTAssertGreaterThanOrEqual(agreement, tolerance, "\(mode.rawValue) cache: \(agreeing[mode] ?? 0)/\(total) tokens")
        }
    }
}
