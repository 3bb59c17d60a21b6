import Foundation
@testable import Decoder
@testable import Models

/// A model whose logits are a fixed function of (forward call, canvas, position): every rule of
/// the decoder becomes testable without weights.
final class ScriptedModel: DenoisingModel, @unchecked Sendable {
    // @unchecked: `calls` and `canvases` are guarded by `lock`.
    let vocabulary: VocabularyFacts
    private let row: (_ call: Int, _ canvas: [Int], _ position: Int) -> [Float]
    private let lock = NSLock()
    private var callCount = 0
    private var seen: [[Int]] = []
    /// Blocks each forward until signalled, to test cancellation.
    var gate: DispatchSemaphore?
    /// Acts like Dream: position i reads row i − 1.
    var shiftsLogits = false
    /// The longest canvas the model accepts; nil = unknown.
    var contextLength: Int?

    init(columns: Int, maskId: Int? = nil, eosId: Int? = nil, endOfTurnId: Int? = nil,
         row: @escaping (_ call: Int, _ canvas: [Int], _ position: Int) -> [Float]) {
        vocabulary = VocabularyFacts(maskId: maskId ?? columns - 1, eosId: eosId ?? columns - 2,
                                     endOfTurnId: endOfTurnId, logitColumns: columns)
        self.row = row
    }

    var calls: Int { lock.withLock { callCount } }
    var canvases: [[Int]] { lock.withLock { seen } }

    func logits(canvas: [Int], positions: [Int]) -> LogitsMatrix {
        gate?.wait()
        let call = lock.withLock { () -> Int in
            seen.append(canvas)
            callCount += 1
            return callCount - 1
        }
        let columns = vocabulary.logitColumns
        var values: [Float] = []
        for position in positions {
            let logits = row(call, canvas, position)
            precondition(logits.count == columns)
            values += logits
        }
        return LogitsMatrix(rows: positions.count, columns: columns, values: values)
    }
}

/// A logits row over `columns` whose softmax gives `token` probability `p` and spreads the rest
/// evenly (so entropy and margin follow from p).
func peakedRow(columns: Int, token: Int, p: Double) -> [Float] {
    let rest = (1 - p) / Double(columns - 1)
    return (0..<columns).map { Float(log($0 == token ? p : rest)) }
}

/// A logits row whose softmax is `probabilities` (padded with zeros to `columns`).
func rowOf(_ probabilities: [Double], columns: Int) -> [Float] {
    (0..<columns).map { $0 < probabilities.count && probabilities[$0] > 0 ? Float(log(probabilities[$0])) : -1e4 }
}

/// Prompt length used by the scripted tests; generated offset = canvas position − this.
let scriptedPrompt = [3, 4]

func session(_ model: ScriptedModel, length: Int, _ settings: DecodeSettings) throws -> DecodeSession {
    try DecodeSession(model: model, promptIds: scriptedPrompt, generationLength: length, settings: settings)
}
