import Models

/// The vocabulary facts a decoder needs besides logits.
public struct VocabularyFacts: Equatable, Sendable {
    public var maskId: Int
    public var eosId: Int
    /// End of turn (LLaDA-8B-Instruct: `<|eot_id|>` 126348); nil where the model has none or it is
    /// unknown (config.json does not name it; the tokenizer does).
    public var endOfTurnId: Int?
    /// Logit columns (may exceed the tokenizer's vocabulary: LLaDA pads its embedding).
    public var logitColumns: Int

    public init(maskId: Int, eosId: Int, endOfTurnId: Int? = nil, logitColumns: Int) {
        self.maskId = maskId
        self.eosId = eosId
        self.endOfTurnId = endOfTurnId
        self.logitColumns = logitColumns
    }

    /// EOS and EoT: the tokens LLaDA pads an answer with, shown as a tail and left out of text.
    public func isEndOfText(_ token: Int) -> Bool {
        token == eosId || token == endOfTurnId
    }
}

/// How the decoder sees a model: forward a whole canvas, get logits rows of chosen positions.
/// A session calls it from a worker thread, one call at a time (all forwards in the process are
/// serialised), so an implementation need not support concurrent calls. A remote model's call
/// can fail, hence `throws`.
public protocol DenoisingModel: AnyObject, Sendable {
    var vocabulary: VocabularyFacts { get }
    /// Whether position i's prediction is logits row i − 1 (Dream, trained from an AR model)
    /// rather than row i (LLaDA); the decoder asks for the rows accordingly.
    var shiftsLogits: Bool { get }
    func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix
}

extension DenoisingModel {
    public var shiftsLogits: Bool { false }

    /// The logits row holding the prediction for canvas index `index` (row 0 for index 0).
    func predictionRow(_ index: Int) -> Int { shiftsLogits ? max(0, index - 1) : index }
}

extension LLaDAModel: DenoisingModel {
    public var vocabulary: VocabularyFacts {
        VocabularyFacts(maskId: config.maskTokenId, eosId: config.eosTokenId,
                        logitColumns: config.embeddingSize)
    }

    public func logits(canvas: [Int], positions: [Int]) -> LogitsMatrix {
        logits(tokens: canvas, positions: positions)
    }
}
