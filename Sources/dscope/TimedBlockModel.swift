import Foundation
import Kernels
import Models

/// A block-diffusion model that times its own forwards for `bench decode`: each store or block
/// step the loop asks for, how long the model took and how much of that its transformer blocks
/// took (the share a synthetic model's extrapolation to full depth scales).
/// Random weights predict the token at each position's input (the embeddings are tied), which
/// is the mask in a block being decoded: `unpredicted` names a column lowered below every other
/// in each row, as a trained model never predicts the mask, so the loop moves on.
final class TimedBlockModel: BlockDiffusionModel, @unchecked Sendable {
    // @unchecked: the loop calls the model on the forward queue and the bench reads `taken`
    // between steps, never while one runs.
    struct Forward {
        var seconds: Double
        var blockSeconds: Double
    }

    let model: TransformerModel
    let unpredicted: Int?
    /// The forwards run since the last `take()`.
    private var forwards: [Forward] = []

    init(_ model: TransformerModel, unpredicted: Int? = nil) {
        self.model = model
        self.unpredicted = unpredicted
    }

    /// The forwards since the last call, oldest first.
    func take() -> [Forward] {
        defer { forwards = [] }
        return forwards
    }

    var vocabulary: VocabularyFacts { model.vocabulary }
    var shiftsLogits: Bool { model.shiftsLogits }
    var modelName: String { model.modelName }
    var contextLength: Int? { model.contextLength }
    var blockLength: Int { model.blockLength }
    var isBlockDiffusion: Bool { model.isBlockDiffusion }

    func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix {
        try model.logits(canvas: canvas, positions: positions)
    }

    func makeBlockCache(capacity: Int, blockLength: Int) -> BlockKVCache {
        model.makeBlockCache(capacity: capacity, blockLength: blockLength)
    }

    @discardableResult
    func store(tokens: [Int], at start: Int, in cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix {
        try timed { try model.blockForward(tokens: tokens, start: start, cache: cache, rows: rows, commit: true, timing: $0) }
    }

    func blockLogits(tokens: [Int], at start: Int, cache: BlockKVCache, rows: [Int]) throws -> LogitsMatrix {
        try timed { try model.blockForward(tokens: tokens, start: start, cache: cache, rows: rows, commit: false, timing: $0) }
    }

    private func timed(_ forward: (@escaping (ForwardPhase, Double) -> Void) throws -> LogitsMatrix) throws -> LogitsMatrix {
        var blocks = 0.0
        let start = DispatchTime.now().uptimeNanoseconds
        var logits = try forward { phase, seconds in if case .block = phase { blocks += seconds } }
        forwards.append(Forward(seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, blockSeconds: blocks))
        if let column = unpredicted, column < logits.columns {
            for row in 0..<logits.rows {
                let lowest = logits.row(row).min() ?? 0
                logits.values[row * logits.columns + column] = lowest - 30
            }
        }
        return logits
    }
}
