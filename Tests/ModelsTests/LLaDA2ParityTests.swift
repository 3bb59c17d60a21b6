import Foundation
import XCTest
import Kernels
@testable import Models

/// LLaDA2 (BailingMoeV2) on the random checkpoint of tools/fixtures-block/llada2-tiny (official
/// Hugging Face layout: fused query_key_value, partial RoPE, a dense first block, grouped sigmoid
/// router with expert_bias, shared expert) against tools/llada2_reference.py, which was checked
/// against dInfer's modeling_llada2_moe.py to 1e-5.
final class LLaDA2ParityTests: XCTestCase {
    private static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../tools/fixtures-block/llada2-tiny").standardizedFileURL.path

    /// The fixture's mask id (285) sits in its 288-token vocabulary; config.json, like the
    /// shipped one, has none, and the real model's (156 895) lies outside.
    private func model(threads: Int, blockLength: Int = LLaDA2Architecture.defaultBlockLength) throws -> TransformerModel {
        let json = try ConfigJSON(folder: Self.folder)
        var file = try json.decode(LLaDA2Config.self)
        file.maskTokenId = 285
        var config = file.transformerConfig
        config.blockLength = blockLength
        XCTAssertNil(file.problem)
        XCTAssertNil(config.problem(naming: .llada2))
        let weights = try TransformerWeights(config: config, source: SafetensorsCheckpoint(folder: Self.folder),
                                             layout: LLaDA2Architecture().huggingFaceLayout)
        return TransformerModel(config: config, weights: weights, threads: threads)
    }

    private func tensor<T>(_ file: SafetensorsFile, _ name: String, as type: T.Type) throws -> [T] {
        let tensor = try XCTUnwrap(file.tensors[name], "\(file.path) lacks \(name)")
        return Array(tensor.bytes.bindMemory(to: T.self))
    }

    /// max |Δ|, infinite when a value is not finite or the counts differ (so NaN cannot pass).
    private func maxDelta(_ got: [Float], _ expected: [Float]) -> Float {
        guard got.count == expected.count else { return .infinity }
        var largest: Float = 0
        for (a, b) in zip(got, expected) {
            let delta = abs(a - b)
            if !delta.isFinite { return .infinity }
            largest = max(largest, delta)
        }
        return largest
    }

    /// A canvas no longer than one block attends bidirectionally under the block-causal mask, so
    /// the plain forward must match (tools/make_llada2_one_block_logits.py, block size 32).
    func testOneBlockCanvasesMatchTheReference() throws {
        let file = try SafetensorsFile(path: Self.folder + "/one_block_logits.safetensors")
        for threads in [1, 2] {
            let model = try model(threads: threads)
            for n in [8, 13, 32] {
                let ids = try tensor(file, "ids_\(n)", as: Int64.self).map { Int($0) }
                let expected = try tensor(file, "logits_\(n)", as: Float.self)
                let logits = try model.logits(tokens: ids, positions: Array(ids.indices))
                let delta = maxDelta(logits.values, expected)
                XCTAssertLessThanOrEqual(delta, 1e-4, "\(n) tokens, \(threads) threads: max |Δ| = \(delta)")
            }
        }
    }

    /// `inspect --check-weights` scans every stored tensor once: the fused q/k/v under its own
    /// name, the router's expert_bias and the shared expert included.
    func testWeightCheckScansEveryStoredTensor() throws {
        let model = try model(threads: 1)
        var scanned: [String] = []
        let finding = WeightCheck.firstNonFinite(model.weights, config: model.config, layout: LLaDA2Architecture().huggingFaceLayout) { _, _, name in
            if !name.isEmpty { scanned.append(name) }
        }
        XCTAssertNil(finding)
        let stored = try SafetensorsFile(path: Self.folder + "/model.safetensors").tensors.keys
        XCTAssertEqual(scanned.sorted(), stored.sorted())
    }

    /// The same checkpoint through tools/convert_llada2_gguf.py (Q8_0, llama.cpp's BailingMoeV2
    /// names: fused attn_qkv, stacked experts, exp_probs_b, *_shexp, leading dense block) against
    /// the reference on the weights the file stores (tools/make_llada2_gguf_fixture.py).
    func testQ8GGUFConversionMatchesTheReferenceOnItsStoredWeights() throws {
        let location = try ModelLocation(Fixture.path("gguf-llada2-q8_0/model.gguf"))
        let configuration = try location.configuration()
        XCTAssertEqual(configuration.architecture.name, "llada2")
        let config = configuration.transformer
        XCTAssertEqual(config.traits.rotaryDimensions, 8)
        XCTAssertEqual(config.maskTokenId, 285)
        XCTAssertEqual(config.experts, ExpertConfig(count: 8, perToken: 2, router: .groupedSigmoid(groups: 2, groupsKept: 1, scale: 2.5),
                                                    sharedHiddenSize: 32, leadingDenseLayers: 1, denseHiddenSize: 128))
        let model = try location.model(configuration, threads: 2)
        let expected = try Fixture.expected("gguf-llada2-q8_0")
        // The reference multiplies exactly. (The int8 path's activation rounding flips this random
        // router's near-tied expert choices, so its logits are no parity check here.)
        MatmulMode.current = .exact
        defer { MatmulMode.current = .fast }
        let logits = try model.logits(tokens: expected.ids, positions: Array(expected.ids.indices))
        let delta = maxDelta(logits.values, expected.logits)
        XCTAssertLessThanOrEqual(delta, 1e-4, "max |Δ| = \(delta)")
    }

    func testArchitectureIsFoundByItsClassAndModelType() throws {
        let json = try ConfigJSON(folder: Self.folder)
        XCTAssertEqual(try ArchitectureRegistry.architecture(of: json).name, "llada2")
        let config = try json.decode(LLaDA2Config.self).transformerConfig
        XCTAssertEqual(config.traits.rotaryDimensions, 8)
        XCTAssertEqual(config.experts, ExpertConfig(count: 8, perToken: 2, router: .groupedSigmoid(groups: 2, groupsKept: 1, scale: 2.5),
                                                    sharedHiddenSize: 32, leadingDenseLayers: 1, denseHiddenSize: 128))
    }

    /// The mini model's config.json (tools/llada2_reference.py LLADA2_MINI) reads to its shapes,
    /// with the tokenizer's mask id.
    func testMiniConfigReadsToTheMiniShapes() throws {
        let json = #"{"architectures": ["LLaDA2MoeModelLM"], "model_type": "llada2_moe", "vocab_size": 157184, "hidden_size": 2048, "intermediate_size": 5120, "num_hidden_layers": 20, "num_attention_heads": 16, "num_key_value_heads": 4, "head_dim": 128, "hidden_act": "silu", "use_qkv_bias": false, "use_qk_norm": true, "use_bias": false, "rms_norm_eps": 1e-06, "norm_head": false, "tie_word_embeddings": false, "max_position_embeddings": 16384, "rope_theta": 600000.0, "rope_scaling": null, "partial_rotary_factor": 0.5, "num_experts": 256, "num_shared_experts": 1, "num_experts_per_tok": 8, "n_group": 8, "topk_group": 4, "routed_scaling_factor": 2.5, "moe_intermediate_size": 512, "first_k_dense_replace": 1, "score_function": "sigmoid", "moe_router_enable_expert_bias": true, "norm_topk_prob": true, "pad_token_id": 156892, "eos_token_id": 156892}"#
        let file = try JSONDecoder().decode(LLaDA2Config.self, from: Data(json.utf8))
        XCTAssertNil(file.problem)
        XCTAssertNil(file.transformerConfig.problem(naming: .llada2))
        XCTAssertEqual(file.transformerConfig, .llada2Mini())
    }

    func testUnsupportedSettingsAreRefusedByName() throws {
        let base: [String: Any] = ["hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
                                   "vocab_size": 288, "num_experts": 8, "num_experts_per_tok": 2, "moe_intermediate_size": 32,
                                   "n_group": 2, "topk_group": 1]
        XCTAssertNil(try JSONDecoder().decode(LLaDA2Config.self, from: JSONSerialization.data(withJSONObject: base)).problem)
        let cases: [(String, Any)] = [("score_function", "softmax"), ("use_qkv_bias", true), ("head_dim", 32),
                                      ("partial_rotary_factor", 0.1), ("n_group", 3), ("topk_group", 3),
                                      ("num_experts_per_tok", 5), ("rope_scaling", ["type": "yarn"]),
                                      ("first_k_dense_replace", 3), ("num_experts", -8),
                                      ("num_shared_experts", Int.max)]
        for (key, value) in cases {
            var json = base
            json[key] = value
            let file = try JSONDecoder().decode(LLaDA2Config.self, from: JSONSerialization.data(withJSONObject: json))
            XCTAssertTrue(file.problem?.contains(key) ?? false, "\(key) \(value): \(file.problem ?? "accepted")")
        }
    }

    /// The fixture's full logits under the block-causal mask (block 8) over 4 blocks.
    func testFullCanvasUnderTheBlockMaskMatchesTheReference() throws {
        let file = try SafetensorsFile(path: Self.folder + "/logits.safetensors")
        let ids = try tensor(file, "ids", as: Int64.self).map { Int($0) }
        let expected = try tensor(file, "full_fp32", as: Float.self)
        let model = try model(threads: 2, blockLength: 8)
        let logits = try model.logits(tokens: ids, positions: Array(ids.indices))
        let delta = maxDelta(logits.values, expected)
        XCTAssertLessThanOrEqual(delta, 1e-4, "max |Δ| = \(delta)")
    }
}
