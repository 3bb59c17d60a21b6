import XCTest
@testable import Models
import TestFixtures

/// SDAR/TraDo and Fast-dLLM v2 checkpoints in the official layout against the PyTorch references
/// (tools/sdar_reference.py, tools/fastdllm_v2_reference.py), under the block-causal mask, and the
/// exact KV cache of committed blocks against a forward of the whole prefix.
final class BlockDiffusionParityTests: XCTestCase {
    private func assertClose(_ actual: [Float], _ expected: [Float], _ what: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(actual.count, expected.count, what, file: file, line: line)
        // A NaN fails: its difference is never ≤ the tolerance.
        let worst = zip(actual, expected).map { abs($0 - $1) }.first { !($0 <= 1e-4) }
        let largest = zip(actual, expected).map { abs($0 - $1) }.reduce(0, max)
        XCTAssertNil(worst, "\(what): |Δ| \(worst ?? 0) > 1e-4", file: file, line: line)
        XCTAssertLessThanOrEqual(largest, 1e-4, what, file: file, line: line)
    }

    func testFullForwardUnderTheBlockMaskMatchesTheReferences() throws {
        for name in ["sdar-tiny", "fastdllm-v2-tiny"] {
            for threads in [1, 2] {
                let model = try BlockFixture.model(name, threads: threads)
                let expected = try BlockFixture.logits(name)
                let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
                assertClose(logits.values, expected.full, "\(name) full forward, \(threads) threads")
            }
        }
    }

    func testCachedBlockStepMatchesTheReferenceAndIsBitIdenticalToTheFullForward() throws {
        for name in ["sdar-tiny", "fastdllm-v2-tiny"] {
            for threads in [1, 2] {
                let model = try BlockFixture.model(name, threads: threads)
                let expected = try BlockFixture.logits(name)
                let B = model.blockLength, n = expected.ids.count, start = n - B
                let cache = model.makeBlockCache(capacity: n)
                try model.store(tokens: Array(expected.ids[..<start]), at: 0, in: cache)
                XCTAssertEqual(cache.length, start)
                let step = try model.blockLogits(tokens: Array(expected.ids[start...]), at: start, cache: cache, rows: Array(0..<B))
                XCTAssertEqual(cache.length, start, "a block step is not stored")
                assertClose(step.values, expected.step, "\(name) cached step, \(threads) threads")
                let full = try model.logits(tokens: expected.ids, positions: Array(start..<n))
                XCTAssertEqual(step.values, full.values, "\(name): the cached step must equal the full forward bit for bit")
            }
        }
    }

    func testSteppingBackAcrossABlockRestoresTheCacheExactly() throws {
        let model = try BlockFixture.model("sdar-tiny", threads: 2)
        let ids = try BlockFixture.logits("sdar-tiny").ids
        let B = model.blockLength, start = ids.count - 2 * B
        let cache = model.makeBlockCache(capacity: ids.count)
        try model.store(tokens: Array(ids[..<start]), at: 0, in: cache)
        let before = try model.blockLogits(tokens: Array(ids[start..<(start + B)]), at: start, cache: cache, rows: Array(0..<B))
        try model.store(tokens: Array(ids[start..<(start + B)]), at: start, in: cache)
        _ = try model.blockLogits(tokens: Array(ids[(start + B)...]), at: start + B, cache: cache, rows: [0])
        try cache.truncate(to: start)
        let after = try model.blockLogits(tokens: Array(ids[start..<(start + B)]), at: start, cache: cache, rows: Array(0..<B))
        XCTAssertEqual(before.values, after.values)
        XCTAssertThrowsError(try cache.truncate(to: start - 1))
        XCTAssertThrowsError(try model.blockLogits(tokens: [1], at: start + B, cache: cache, rows: [0])) { error in
            XCTAssertEqual(error as? BlockCacheError, .notAtCacheEnd(start: start + B, cacheLength: start))
        }
    }

    func testDescriptorsReadTheFamiliesConfigs() throws {
        let sdar = try ArchitectureRegistry.configuration(folder: BlockFixture.loadableFolder("sdar-tiny"))
        XCTAssertEqual(sdar.architecture.name, "sdar")
        XCTAssertEqual(sdar.transformer.headDim, 32, "head_dim is its own key (hidden 64 / 4 heads would be 16)")
        XCTAssertEqual(sdar.transformer.blockLength, 4)
        XCTAssertTrue(sdar.transformer.traits.qkNorm)
        XCTAssertFalse(sdar.transformer.traits.shiftsLogits)
        let fast = try ArchitectureRegistry.configuration(folder: BlockFixture.loadableFolder("fastdllm-v2-tiny"))
        XCTAssertEqual(fast.architecture.name, "fast-dllm-v2")
        XCTAssertEqual(fast.transformer.blockLength, 8, "bd_size")
        XCTAssertTrue(fast.transformer.traits.qkvBias)
        XCTAssertTrue(fast.transformer.traits.shiftsLogits)
    }

    func testMaskIdDefaultsToTheTokenizersWhenConfigLacksIt() throws {
        let json = #"{"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 151936}"#
        let config = try JSONDecoder().decode(QwenBlockConfig.self, from: Data(json.utf8))
        XCTAssertNil(config.maskTokenId)
        XCTAssertNil(config.problem)
        XCTAssertThrowsError(try ArchitectureRegistry.configuration(folder: BlockFixture.folder("sdar-tiny"))) { error in
            XCTAssertTrue("\(error)".contains("mask_token_id 151669"), "\(error)")
        }
    }
}
