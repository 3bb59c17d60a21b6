import Kernels
import XCTest
@testable import Models

/// The vdpbf16ps path in a whole forward: logits of the bf16 fixtures (random LLaDA, Dream and
/// LLaDA-MoE weights; the bundled model) against their fp32 PyTorch references, which the exact
/// matmul meets within 1e-4. Rounding the activations to bf16 moves each product by at most 2⁻⁹ of
/// itself: measured, max |Δ| is under 1 % of the largest |logit| (docs/performance.md); the bound
/// is 3 %, while a broken path (a wrong pair, row or lane) moves logits by their own size.
final class BF16DotForwardTests: XCTestCase {
    override func setUpWithError() throws {
        try XCTSkipUnless(BF16Dot.isSupported, "this CPU has no AVX512-BF16 (vdpbf16ps)")
        MatmulMode.current = .fast
    }

    func testBF16DotLogitsStayCloseToTheReference() throws {
        let cases: [(label: String, location: String, reference: String)] = [
            ("llada-bf16", Fixture.path("llada-bf16"), "llada-bf16"),
            ("dream-bf16", Fixture.path("dream-bf16"), "dream-bf16"),
            ("llada-moe-bf16", Fixture.path("llada-moe-bf16"), "llada-moe-bf16"),
            ("gguf-llada-bf16", Fixture.path("gguf-llada-bf16/model.gguf"), "gguf-llada-bf16"),
            ("tiny-arith (bundled)", ModelLocation.defaultName, "tiny-arith"),
        ]
        for (label, location, reference) in cases {
            let model = try ModelLocation(location).model(threads: 2)
            let expected = try Fixture.expected(reference)
            XCTAssertGreaterThanOrEqual(expected.ids.count, 8, "\(label): too few rows to take the bf16 dot path")
            let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices)).values
            guard let (maxDelta, scale) = maxDeltaWithinShareOfLargest(logits, expected.logits, share: 0.03,
                                                                       "\(label): bf16 dot vs reference") else { continue }
            XCTAssertGreaterThan(maxDelta, 1e-4, "\(label): the bf16 dot path did not run")
            print("\(label): bf16 dot vs fp32 reference logits max |Δ| \(maxDelta) (max |logit| \(scale))")
        }
    }
}
