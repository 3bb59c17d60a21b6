import XCTest
@testable import Models
import Tolerance

/// The cached forward of Fast-dLLM's prefix and dual caches: window rows recomputed, the rest read
/// from the cache as the filling forward saw them.
final class KVCacheTests: XCTestCase {
    private func model(_ folder: String = "llada-gqa") throws -> (TransformerModel, [Int]) {
        (try TransformerModel(folder: Fixture.path(folder), threads: 2), try Fixture.expected(folder).ids)
    }

    private func maxDelta(_ a: ArraySlice<Float>, _ b: ArraySlice<Float>) -> Float {
        maxAbsDifference(a, b)
    }

    func testFillingForwardReturnsTheExactLogits() throws {
        let (model, ids) = try model()
        let positions = Array(ids.indices)
        let cache = KVCache(rows: ids.count, config: model.config)
        XCTAssertEqual(try model.logits(tokens: ids, positions: positions, filling: cache).values,
                       try model.logits(tokens: ids, positions: positions).values)
    }

    func testWindowOverTheWholeCanvasReproducesTheFullForwardBitForBit() throws {
        let (model, ids) = try model()
        let positions = Array(ids.indices)
        let cache = KVCache(rows: ids.count, config: model.config)
        let full = try model.logits(tokens: ids, positions: positions, filling: cache)
        let windowed = try model.logits(tokens: ids, window: 0..<ids.count, positions: positions, cache: cache)
        XCTAssertEqual(windowed.values, full.values)
    }

    func testWindowOnTheCanvasThatFilledTheCacheMatchesTheFullForward() throws {
        let (model, ids) = try model()
        let cache = KVCache(rows: ids.count, config: model.config)
        let full = try model.logits(tokens: ids, positions: Array(ids.indices), filling: cache)
        let window = 3..<(ids.count - 2)
        for _ in 0..<2 {    // the second pass reads the rows the first one wrote back
            let windowed = try model.logits(tokens: ids, window: window, positions: Array(window), cache: cache)
            for (row, position) in window.enumerated() {
                XCTAssertLessThanOrEqual(maxDelta(windowed.row(row), full.row(position)), 1e-5, "position \(position)")
            }
        }
    }

    func testRowsOutsideTheWindowStayAsTheFillingForwardSawThem() throws {
        let (model, ids) = try model("llada-f32")
        let cache = KVCache(rows: ids.count, config: model.config)
        let window = 2..<5
        let before = try model.logits(tokens: ids, positions: Array(window), filling: cache)
        var changed = ids
        changed[ids.count - 1] = (ids[ids.count - 1] + 1) % model.config.vocabSize
        changed[0] = (ids[0] + 3) % model.config.vocabSize
        // Cached: the changed tokens outside the window are not seen.
        let stale = try model.logits(tokens: changed, window: window, positions: Array(window), cache: cache)
        XCTAssertLessThanOrEqual(maxDelta(stale.values[...], before.values[...]), 1e-5)
        // Exact: they are.
        let exact = try model.logits(tokens: changed, positions: Array(window))
        XCTAssertGreaterThan(maxDelta(exact.values[...], before.values[...]), 1e-4)
    }
}
