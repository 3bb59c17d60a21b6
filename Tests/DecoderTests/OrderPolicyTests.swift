import XCTest
@testable import Decoder

final class OrderPolicyTests: XCTestCase {
    /// Position i's top token is 10 + i with a confidence that rises to the right, so any
    /// confidence-driven order would go right to left.
    private func risingConfidenceModel(columns: Int = 40) -> ScriptedModel {
        ScriptedModel(columns: columns) { _, _, position in
            peakedRow(columns: columns, token: 10 + position, p: 0.2 + 0.05 * Double(position))
        }
    }

    func testAROrderCommitsExactlyTheLeftmostMaskEachStep() throws {
        let decode = try session(risingConfidenceModel(), length: 6, DecodeSettings(order: .ar))
        for expected in 0..<6 {
            let record = try decode.step()
            XCTAssertEqual(record.commits.map(\.position), [expected])
        }
        XCTAssertTrue(decode.isComplete)
        XCTAssertEqual(decode.canvas.stepMap, [1, 2, 3, 4, 5, 6])
    }

    func testConfidenceOrderCommitsTheMostConfidentMaskFirst() throws {
        let decode = try session(risingConfidenceModel(), length: 6, DecodeSettings(order: .confidence))
        try decode.runToEnd()
        XCTAssertEqual(decode.canvas.stepMap, [6, 5, 4, 3, 2, 1])
        XCTAssertEqual(decode.canvas.generatedIds, [12, 13, 14, 15, 16, 17])
    }

    func testMarginOrderCommitsTheLargestTopTwoGapFirst() throws {
        // Position 0: 0.5/0.45 (margin 0.05, high confidence); position 1: 0.4/0.1 (margin 0.3).
        let model = ScriptedModel(columns: 8) { _, _, position in
            position == 2 ? rowOf([0.5, 0.45, 0.05], columns: 8) : rowOf([0.4, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1], columns: 8)
        }
        let decode = try session(model, length: 2, DecodeSettings(order: .margin))
        XCTAssertEqual(try decode.step().commits.map(\.position), [1])
        let confidence = try session(model, length: 2, DecodeSettings(order: .confidence))
        XCTAssertEqual(try confidence.step().commits.map(\.position), [0])
    }

    func testEntropyOrderCommitsTheLowestEntropyFirst() throws {
        // Position 0: 0.45/0.45/0.1 (low confidence, low entropy); position 1: 0.5 + 50 × 0.01.
        let model = ScriptedModel(columns: 64) { _, _, position in
            position == 2 ? rowOf([0.45, 0.45, 0.1], columns: 64)
                : rowOf([0.5] + Array(repeating: 0.01, count: 50), columns: 64)
        }
        let decode = try session(model, length: 2, DecodeSettings(order: .entropy))
        let first = try decode.step()
        XCTAssertEqual(first.commits.map(\.position), [0])
        XCTAssertLessThan(first.commits[0].entropyNats, first.maskedEntropyNats[1]!)
    }

    func testBlocksNeverCommitOutsideTheCurrentBlock() throws {
        for order in DecodeOrder.allCases where order != .origin {
            let settings = DecodeSettings(order: order, blockLength: 3, parallelism: .perStep(k: 2))
            let decode = try session(risingConfidenceModel(), length: 9, settings)
            while !decode.isComplete {
                let record = try decode.step()
                let block = decode.blocks.range(ofBlock: record.block)
                XCTAssertTrue(record.commits.allSatisfy { block.contains($0.position) }, "\(order) step \(record.step)")
                XCTAssertTrue(decode.canvas.states[..<block.lowerBound].allSatisfy { $0 != .masked }, "\(order)")
            }
            XCTAssertEqual(decode.history.map(\.block), [0, 0, 1, 1, 2, 2], "\(order)")
        }
    }

    func testRandomOrderIsSeededAndDependsOnTheSeed() throws {
        func stepMap(seed: UInt64) throws -> [Int?] {
            let decode = try session(risingConfidenceModel(), length: 8, DecodeSettings(order: .random, seed: seed))
            try decode.runToEnd()
            return decode.canvas.stepMap
        }
        XCTAssertEqual(try stepMap(seed: 7), try stepMap(seed: 7))
        XCTAssertNotEqual(try stepMap(seed: 7), try stepMap(seed: 8))
    }

    func testDeferredEndOfTextRanksAfterEveryOtherCandidate() throws {
        // Positions 0 and 1 are sure of EOS (38) and EoT (37); position 2 is unsure of token 5.
        let model = ScriptedModel(columns: 40, eosId: 38, endOfTurnId: 37) { _, _, position in
            peakedRow(columns: 40, token: [38, 37, 5][position - 2], p: [0.9, 0.85, 0.3][position - 2])
        }
        let plain = try session(model, length: 3, DecodeSettings())
        XCTAssertEqual(try plain.step().commits.map(\.token), [38])
        let deferring = try session(model, length: 3, DecodeSettings(deferEndOfText: true))
        XCTAssertEqual(try deferring.step().commits.map(\.token), [5])
    }

    func testSuppressedEOSIsNeverChosen() throws {
        let model = ScriptedModel(columns: 40, eosId: 38) { _, _, _ in peakedRow(columns: 40, token: 38, p: 0.9) }
        let decode = try session(model, length: 4, DecodeSettings(suppressEOS: true))
        try decode.runToEnd()
        XCTAssertFalse(decode.canvas.generatedIds.contains(38))
        XCTAssertTrue(decode.history.allSatisfy { $0.commits.allSatisfy { $0.entropyNats.isFinite } })
    }
}
