import Kernels
import XCTest
@testable import Models

/// A random LLaDA-MoE checkpoint in the official Hugging Face layout (tools/make_llada_moe_fixtures.py)
/// against tools/llada_moe_reference.py, written from dInfer's modeling code.
final class LLaDAMoEParityTests: XCTestCase {
    // Against fp32 references: the exact matmul (bf16 weights take vdpbf16ps otherwise, where the
    // CPU has AVX512-BF16; BF16DotForwardTests measures that path's distance).
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    func testBFloat16LLaDAMoEMatchesReferenceLogits() throws {
        for threads in [1, 2] {
            let model = try ModelLocation(Fixture.path("llada-moe-bf16")).model(threads: threads)
            let expected = try Fixture.expected("llada-moe-bf16")
            let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
            XCTAssertEqual(logits.values.count, expected.logits.count)
            let maxDelta = zip(logits.values, expected.logits).map { abs($0 - $1) }.max() ?? .infinity
            XCTAssertFalse(logits.values.contains { !$0.isFinite })
            XCTAssertLessThanOrEqual(maxDelta, 1e-4, "max |Δ| = \(maxDelta) on \(threads) threads")
        }
    }

    /// The same checkpoint converted by llama.cpp's convert_hf_to_gguf.py (stacked 3-D experts,
    /// `llada-moe.*` keys, NEOX q/k row order).
    func testLlamaCppConversionGivesTheSameLogits() throws {
        let location = try ModelLocation(Fixture.path("gguf-llada-moe-bf16/model.gguf"))
        let configuration = try location.configuration()
        XCTAssertEqual(configuration.architecture.name, "llada-moe")
        XCTAssertEqual(configuration.transformer.experts, ExpertConfig(count: 8, perToken: 3))
        XCTAssertEqual(configuration.transformer.maskTokenId, 802)
        let model = try location.model(configuration, threads: 2)
        let expected = try Fixture.expected("gguf-llada-moe-bf16")
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        XCTAssertEqual(logits.values.count, expected.logits.count)
        let maxDelta = zip(logits.values, expected.logits).map { abs($0 - $1) }.max() ?? .infinity
        XCTAssertLessThanOrEqual(maxDelta, 1e-4, "max |Δ| = \(maxDelta)")
    }

    func testArchitecturesNameWinsOverTheShippedLLaDAModelType() throws {
        let configuration = try ArchitectureRegistry.configuration(folder: Fixture.path("llada-moe-bf16"))
        XCTAssertEqual(try ConfigJSON(folder: Fixture.path("llada-moe-bf16")).modelType, "llada")
        XCTAssertEqual(configuration.architecture.name, "llada-moe")
        let config = configuration.transformer
        XCTAssertEqual(config.experts, ExpertConfig(count: 8, perToken: 3))
        XCTAssertEqual([config.dModel, config.nLayers, config.nHeads, config.nKVHeads, config.mlpHiddenSize],
                       [64, 2, 4, 2, 32])
        XCTAssertTrue(config.traits.qkNorm)
        XCTAssertFalse(config.traits.shiftsLogits)
        XCTAssertEqual(config.maskTokenId, 802)
    }

    func testMaskIdFallsBackToTheModelCardsWhenConfigLacksIt() throws {
        let json = #"{"architectures": ["LLaDAMoEModelLM"], "model_type": "llada", "hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 157184, "rope_theta": 50000, "num_experts": 4, "num_experts_per_tok": 2, "expert_intermediate_size": 16}"#
        let config = try JSONDecoder().decode(LLaDAMoEConfig.self, from: Data(json.utf8))
        XCTAssertEqual(config.maskTokenId, 156_895)
        XCTAssertNil(config.problem)
    }

    func testSharedExpertsAndSigmoidRoutersAreRefused() throws {
        for (key, value, word) in [("shared_expert_intermediate_size", "128", "shared"),
                                   ("moe_router_score_function", "\"sigmoid\"", "sigmoid"),
                                   ("partial_rotary_factor", "0.5", "partial_rotary_factor")] {
            let json = #"{"hidden_size": 64, "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 832, "rope_theta": 50000, "num_experts": 4, "num_experts_per_tok": 2, "expert_intermediate_size": 16, "\#(key)": \#(value)}"#
            let config = try JSONDecoder().decode(LLaDAMoEConfig.self, from: Data(json.utf8))
            XCTAssertTrue(config.problem?.contains(word) ?? false, "\(key): \(config.problem ?? "accepted")")
        }
    }
}
