import XCTest
@testable import Kernels

/// The exact (fp32) matmul over Q4_K/Q5_K/Q6_K weights converts them superblock by superblock
/// inside the tiles; it must give exactly what the same matmul gives on the dequantised values
/// stored as f32 (same products, same order). The dequantiser itself is checked bit for bit
/// against gguf-py in ModelsTests.KQuantDequantisationTests.
final class KQuantMatmulTests: XCTestCase {
    // These check the exact path; Int8MatmulTests checks the int8 one.
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    func testExactMatmulEqualsTheF32MatmulOfTheDequantisedWeights() {
        for dtype in [WeightDType.q4_k, .q5_k, .q6_k] {
            // Few rows, one packed pass, and two passes whose second is a single superblock.
            for (rows, k, n) in [(3, 512, 13), (17, 768, 25), (40, MatmulTile.span + 256, 14)] {
                let weights = RandomWeights(rows: n, columns: k, dtype: dtype, seed: UInt64(k + n), scale: 0.5)
                var values = weights.matrix.floats()
                XCTAssertTrue(values.allSatisfy(\.isFinite), "\(dtype)")
                var random = SplitMix64(seed: 3)
                let x = random.floats(rows * k)
                let quantised = product(x, rows: rows, weights.matrix)
                let reference = values.withUnsafeMutableBytes { raw in
                    product(x, rows: rows, WeightMatrix(base: raw.baseAddress!, rows: n, columns: k, dtype: .f32))
                }
                XCTAssertEqual(quantised.map(\.bitPattern), reference.map(\.bitPattern), "\(dtype) T=\(rows) K=\(k) N=\(n)")
            }
        }
    }

    func testSlicesOfASuperblockTypeCoverEveryValueOnce() {
        // 256-value blocks take every other 128-step offer; a pass stopped after an odd number of
        // offers continues after the superblock that offer converted.
        let weights = RandomWeights(rows: 1, columns: 1024, dtype: .q6_k, seed: 9)
        let expected = weights.matrix.floats()
        for offers in 0...8 {
            var out = [Float](repeating: .nan, count: 1024)
            out.withUnsafeMutableBufferPointer { buffer in
                let job = ConversionJob(source: weights.matrix.base, dtype: .q6_k, destination: buffer.baseAddress!, count: 1024)
                XCTAssertEqual(job.wholeSlices, 8)
                for offer in 0..<offers { job.convertSlice(offer) }
                job.convert(slicesFrom: offers)
            }
            XCTAssertEqual(out.map(\.bitPattern), expected.map(\.bitPattern), "after \(offers) offers")
        }
    }

    private func product(_ x: [Float], rows: Int, _ w: WeightMatrix) -> [Float] {
        var out = [Float](repeating: .nan, count: rows * w.rows)
        x.withUnsafeBufferPointer { xs in
            out.withUnsafeMutableBufferPointer { o in
                matmul(xs.baseAddress!, rows: rows, w, into: o.baseAddress!, threads: 2)
            }
        }
        return out
    }
}
