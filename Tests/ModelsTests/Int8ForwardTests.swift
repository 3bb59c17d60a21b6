import Kernels
import XCTest
@testable import Models

/// The int8 matmul in a whole forward: logits of the quantised GGUF fixtures (random LLaDA and
/// Dream weights, d 64) against the same forward with the exact matmul. Measured: max |Δ| is 1.2–1.8 %
/// of the largest |logit| (docs/performance.md); the bound is 5 %, while a broken path (wrong
/// codes, scales or rows) moves logits by their own size.
final class Int8ForwardTests: XCTestCase {
    override func tearDown() {
        MatmulMode.current = .fast
    }

    func testInt8LogitsStayCloseToTheExactOnes() throws {
        try XCTSkipIf(MatmulMode.int8InstructionSet == nil, "this CPU has no int8 dot-product instructions")
        for folder in ["gguf-llada-q8_0", "gguf-llada-q4_0", "gguf-dream-q8_0"] {
            let model = try ModelLocation(Fixture.path(folder + "/model.gguf")).model(threads: 2)
            let ids = try Fixture.expected(folder).ids
            MatmulMode.current = .exact
            let exact = try model.logits(tokens: ids, positions: Array(ids.indices)).values
            MatmulMode.current = .fast
            let int8 = try model.logits(tokens: ids, positions: Array(ids.indices)).values
            guard let (maxDelta, scale) = maxDeltaWithinShareOfLargest(int8, exact, share: 0.05,
                                                                       "\(folder): int8 vs exact") else { return }
            XCTAssertGreaterThan(maxDelta, 0, "\(folder): the int8 path did not run")
            print("\(folder): int8 vs exact logits max |Δ| \(maxDelta) (max |logit| \(scale))")
        }
    }
}
