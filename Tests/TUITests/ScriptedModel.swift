import Decoder
import Foundation
@testable import Models
@testable import TUI

/// A model whose logits follow a fixed rule, so app behaviour is testable without weights:
/// generated position p (0-based) peaks at token `p % 10` with confidence 0.5 + 0.04·p, and the
/// last two positions peak at EOS. `gate` holds every forward until signalled (a slow model);
/// `failure`, while set, is what every forward throws (a remote model whose server is gone).
final class ScriptedModel: DenoisingModel, @unchecked Sendable {
    // @unchecked: `gate` is set before any forward runs.
    static let columns = 16
    let vocabulary = VocabularyFacts(maskId: 15, eosId: 14, logitColumns: columns)
    let promptLength: Int
    let generationLength: Int
    var gate: DispatchSemaphore?
    /// The longest canvas it accepts; nil = unknown.
    var contextLength: Int?
    /// Every logit NaN from now on (weights gone bad).
    var givesNaN = false
    private let countLock = NSLock()
    private var forwards = 0
    /// Forwards run so far (from whichever worker thread ran them).
    var forwardCount: Int { countLock.withLock { forwards } }
    var failure: Error?

    init(promptLength: Int, generationLength: Int) {
        self.promptLength = promptLength
        self.generationLength = generationLength
    }

    func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix {
        gate?.wait()
        countLock.withLock { forwards += 1 }
        if let failure { throw failure }
        var values: [Float] = []
        for position in positions {
            let offset = position - promptLength
            let token = offset >= generationLength - 2 ? vocabulary.eosId : offset % 10
            let p = 0.5 + 0.04 * Double(offset)
            let rest = (1 - p) / Double(Self.columns - 1)
            values += (0..<Self.columns).map { givesNaN ? .nan : Float(log($0 == token ? p : rest)) }
        }
        return LogitsMatrix(rows: positions.count, columns: Self.columns, values: values)
    }
}

extension ScopeModel {
    /// The scripted model behind a scope: prompts are one id per word, tokens read `w0 `…`w9 `.
    static func scripted(generationLength: Int = 8, promptLength: Int = 2, tasks: [EvalTask] = []) -> (ScopeModel, ScriptedModel) {
        let model = ScriptedModel(promptLength: promptLength, generationLength: generationLength)
        let scope = ScopeModel(
            name: "scripted", identity: ModelIdentity(id: "scripted", configHash: "fnv1a64:0000000000000000"),
            model: model, vocabulary: model.vocabulary, tokenText: nil,
            labels: TokenLabels(bytes: { Array("w\($0) ".utf8) }), generationLength: generationLength, tasks: tasks,
            tool: "dscope test") { text in
                Array(text.split(separator: " ").map { $0.count % 10 }.prefix(promptLength))
                    + Array(repeating: 0, count: max(0, promptLength - text.split(separator: " ").count))
            }
        return (scope, model)
    }
}
