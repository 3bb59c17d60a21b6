import Models
@testable import Decoder

/// A block-diffusion model whose rows are scripted: `script(call, tokens, position)` gives the
/// (token, p) of the row for canvas position `position` on the `call`-th block step (0-based;
/// stores are not counted). Its cache keeps only the committed length.
final class ScriptedBlockModel: BlockDiffusionModel, @unchecked Sendable {
    let columns: Int
    let blockLength: Int
    let vocabulary: VocabularyFacts
    private let script: (Int, [Int], Int) -> (token: Int, p: Double)
    private(set) var calls = 0

    init(columns: Int, blockLength: Int, maskId: Int, eosId: Int, script: @escaping (Int, [Int], Int) -> (token: Int, p: Double)) {
        self.columns = columns
        self.blockLength = blockLength
        vocabulary = VocabularyFacts(maskId: maskId, eosId: eosId, logitColumns: columns)
        self.script = script
    }

    func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix {
        LogitsMatrix(rows: positions.count, columns: columns,
                     values: positions.flatMap { peakedRow(columns: columns, token: script(calls, canvas, $0).token, p: script(calls, canvas, $0).p) })
    }

    func makeBlockCache(capacity: Int, blockLength: Int) -> BlockKVCache {
        BlockKVCache(capacity: capacity, blockLength: blockLength)
    }

    func store(tokens: [Int], at start: Int, in cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix {
        try cache.checkForward(start: start, count: tokens.count)
        let logits = rowsOf(tokens, start: start, rows: rows)
        try cache.commit(upTo: start + tokens.count)
        return logits
    }

    func blockLogits(tokens: [Int], at start: Int, cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix {
        try cache.checkForward(start: start, count: tokens.count)
        defer { calls += 1 }
        return rowsOf(tokens, start: start, rows: rows)
    }

    private func rowsOf(_ tokens: [Int], start: Int, rows: [Int]) -> LogitsMatrix {
        LogitsMatrix(rows: rows.count, columns: columns, values: rows.flatMap { row in
            let (token, p) = script(calls, tokens, start + row)
            return peakedRow(columns: columns, token: token, p: p)
        })
    }
}
