import Foundation
import XCTest
@testable import Models

/// A GGUF file's mixture-of-experts keys (llama.cpp's: gating function, expert groups, weight
/// scale, shared expert, leading dense blocks) are checked before any tensor is looked up: a
/// value the router cannot use is one line naming the key or the quantity.
final class ExpertMetadataTests: XCTestCase {
    private func configurationError(_ keys: [(String, GGUFValue)]) throws -> String? {
        var builder = GGUFBuilder.tinyLLaDA()
        builder.set("llada.expert_count", .uint64(8))
        builder.set("llada.expert_used_count", .uint64(2))
        builder.set("llada.expert_feed_forward_length", .uint64(32))
        for (key, value) in keys { builder.set(key, value) }
        let path = try builder.write()
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ModelLocation(path).configuration()
            return nil
        } catch {
            XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
            XCTAssertFalse("\(error)".contains("\n"), "\(error)")
            return "\(error)"
        }
    }

    func testSigmoidGatingReadsGroupsScaleSharedExpertAndDenseBlocks() throws {
        let path = try {
            var builder = GGUFBuilder.tinyLLaDA()
            for (key, value): (String, GGUFValue) in [
                ("llada.expert_count", .uint64(8)), ("llada.expert_used_count", .uint64(2)),
                ("llada.expert_feed_forward_length", .uint64(32)), ("llada.expert_gating_func", .uint64(2)),
                ("llada.expert_group_count", .uint64(2)), ("llada.expert_group_used_count", .uint64(1)),
                ("llada.expert_weights_scale", .float32(2.5)), ("llada.expert_shared_count", .uint64(1)),
                ("llada.leading_dense_block_count", .uint64(1)),
            ] { builder.set(key, value) }
            return try builder.write()
        }()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let experts = try ModelLocation(path).configuration().transformer.experts
        XCTAssertEqual(experts?.router, .groupedSigmoid(groups: 2, groupsKept: 1, scale: 2.5))
        XCTAssertEqual(experts?.sharedHiddenSize, 32)
        XCTAssertEqual(experts?.leadingDenseLayers, 1)
        XCTAssertNotNil(experts?.denseHiddenSize)
    }

    func testUnusableRouterSettingsAreRefused() throws {
        let cases: [([(String, GGUFValue)], String)] = [
            ([("llada.expert_gating_func", .uint64(3))], "expert_gating_func"),
            ([("llada.expert_gating_func", .uint64(2)), ("llada.expert_group_count", .uint64(3))], "expert groups"),
            ([("llada.expert_gating_func", .uint64(2)), ("llada.expert_group_count", .uint64(4)),
              ("llada.expert_group_used_count", .uint64(5))], "kept expert groups"),
            ([("llada.expert_gating_func", .uint64(2)), ("llada.expert_weights_scale", .float64(.infinity))], "expert_weights_scale"),
            ([("llada.expert_shared_count", .uint64(UInt64(Int.max)))], "shared expert width"),
            ([("llada.leading_dense_block_count", .uint64(1 << 40))], "leading dense blocks"),
        ]
        for (keys, word) in cases {
            let message = try configurationError(keys)
            XCTAssertTrue(message?.contains(word) == true, "\(keys): \(message ?? "accepted")")
        }
    }
}
