import Kernels
import XCTest
import TestFixtures
@testable import Models

/// A float checkpoint quantised as it loads (`--weights q8_0|q4_0`), on the random SDAR fixture:
/// logits near the PyTorch reference's (int8 activations on top of the weights' rounding; the
/// bound of Int8ForwardTests, 5 % of the largest logit), and the exact block cache still
/// bit-identical to a forward of the whole prefix.
final class QuantizedWeightsTests: XCTestCase {
    func testSDARQuantisedOnLoadStaysNearTheReferenceAndItsCacheExact() throws {
        let folder = try BlockFixture.loadableFolder("sdar-tiny")
        let expected = try BlockFixture.logits("sdar-tiny")
        // Measured: Q8_0 1.9 %, Q4_0 25 % of the largest logit (testExactForwardOfTheQuantisedModel… shows that is the weights' rounding). Q4_0 keeps 16 levels per 32 weights,
        // so its logits move far more; a wrong code, scale or nibble order moves them by their size.
        let bound: [WeightDType: Float] = [.q8_0: 0.05, .q4_0: 0.5]
        for dtype in QuantizedWeights.types {
            let model = try ModelLocation(folder).model(threads: 2, quantizingTo: dtype)
            XCTAssertEqual(model.weights.blocks[0].query.dtype, dtype)
            XCTAssertEqual(model.weights.tokenEmbedding.dtype, dtype)
            let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices)).values
            guard let (largest, scale) = maxDeltaWithinShareOfLargest(logits, expected.full, share: bound[dtype]!,
                                                                  "\(dtype) vs reference") else { return }
            XCTAssertGreaterThan(largest, 0, "\(dtype): the weights were not quantised")
            print("sdar-tiny \(dtype) on load: logits max |Δ| \(largest) against the reference (max |logit| \(scale))")

            let B = model.blockLength, n = expected.ids.count, start = n - B
            let cache = model.makeBlockCache(capacity: n)
            try model.store(tokens: Array(expected.ids[..<start]), at: 0, in: cache)
            let step = try model.blockLogits(tokens: Array(expected.ids[start...]), at: start, cache: cache, rows: Array(0..<B))
            let full = try model.logits(tokens: expected.ids, positions: Array(start..<n))
            XCTAssertEqual(step.values.map(\.bitPattern), full.values.map(\.bitPattern), "\(dtype): cached step against the full forward")
        }
    }

    func testQuantisedFloatsAreTheCheckpointsRoundedToBlocks() throws {
        let folder = try BlockFixture.loadableFolder("sdar-tiny")
        let float = try ModelLocation(folder).model(threads: 1)
        let quantized = try ModelLocation(folder).model(threads: 1, quantizingTo: .q8_0)
        let original = float.weights.blocks[1].attentionOutput.floats(), rounded = quantized.weights.blocks[1].attentionOutput.floats()
        XCTAssertEqual(original.count, rounded.count)
        for block in stride(from: 0, to: original.count, by: 32) {
            // Half a step, plus the f16 rounding of the scale (2⁻¹¹ relative) times a code of up to 127.
            let step = original[block..<(block + 32)].map(abs).max()! / 127
            for i in block..<(block + 32) where !(abs(original[i] - rounded[i]) <= step * 0.57) {
                return XCTFail("value \(i): \(rounded[i]) for \(original[i]), step \(step)")
            }
        }
    }

    /// With the exact matmul, the quantised model computes what a float model of its rounded
    /// weights computes: the distance to the reference above is the weights' rounding, nothing else.
    func testExactForwardOfTheQuantisedModelIsTheFloatForwardOfItsRoundedWeights() throws {
        let folder = try BlockFixture.loadableFolder("sdar-tiny")
        let ids = try BlockFixture.logits("sdar-tiny").ids
        let configuration = try ArchitectureRegistry.configuration(folder: folder)
        let saved = MatmulMode.current
        defer { MatmulMode.current = saved }
        MatmulMode.current = .exact
        for dtype in QuantizedWeights.types {
            let quantized = QuantizedWeights(try SafetensorsCheckpoint(folder: folder), dtype: dtype)
            let model = try configuration.model(source: quantized, threads: 2)
            let rounded = try configuration.model(source: FloatCopies(quantized), threads: 2)
            XCTAssertEqual(rounded.weights.blocks[0].query.dtype, .f32)
            let a = try model.logits(tokens: ids, positions: Array(ids.indices)).values
            let b = try rounded.logits(tokens: ids, positions: Array(ids.indices)).values
            XCTAssertEqual(a.count, b.count)
            for (x, y) in zip(a, b) where !(abs(x - y) <= 1e-4) { return XCTFail("\(dtype): \(x) against \(y)") }
        }
    }
}

/// Every matrix of `source` as an f32 copy of the values it holds.
private final class FloatCopies: WeightSource {
    private let source: WeightSource
    private var copies: [UnsafeMutablePointer<Float>] = []

    init(_ source: WeightSource) { self.source = source }

    deinit { copies.forEach { $0.deallocate() } }

    func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        let values = try source.matrix(name, rows: rows, columns: columns).floats()
        let copy = UnsafeMutablePointer<Float>.allocate(capacity: values.count)
        copy.initialize(from: values, count: values.count)
        copies.append(copy)
        return WeightMatrix(base: copy, rows: rows, columns: columns, dtype: .f32)
    }

    func vector(_ name: String, count: Int) throws -> [Float] { try source.vector(name, count: count) }
    func contains(_ name: String) -> Bool { source.contains(name) }
}
