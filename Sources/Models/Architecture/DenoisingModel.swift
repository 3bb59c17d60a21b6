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
/// serialised), so an implementation need not support concurrent calls. `logits` throws where a
/// forward can fail at run time (ids outside the embedding, a remote model, non-finite logits).
public protocol DenoisingModel: AnyObject, Sendable {
    var vocabulary: VocabularyFacts { get }
    /// Whether position i's prediction is logits row i − 1 (Dream, trained from an AR model)
    /// rather than row i (LLaDA); the decoder asks for the rows accordingly.
    var shiftsLogits: Bool { get }
    /// How errors name the model (its path or bundled name).
    var modelName: String { get }
    /// The longest canvas (prompt + generation) the model was trained on; nil when unknown.
    var contextLength: Int? { get }
    func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix
}

extension DenoisingModel {
    public var shiftsLogits: Bool { false }
    public var modelName: String { "the model" }
    public var contextLength: Int? { nil }

    /// The logits row holding the prediction for canvas index `index` (row 0 for index 0).
    public func predictionRow(_ index: Int) -> Int { shiftsLogits ? max(0, index - 1) : index }
}

/// A model that runs Fast-dLLM's cached steps (DECODING.md, "Fast-dLLM caches").
public protocol CachingDenoisingModel: DenoisingModel {
    /// False where cached steps would be wrong (Dream reads each prediction one row earlier,
    /// across the window's edge).
    var cachesSteps: Bool { get }
    func makeCache(rows: Int) -> KVCache
    /// A whole-canvas forward that also fills `cache`.
    func logits(canvas: [Int], positions: [Int], filling cache: KVCache) throws -> LogitsMatrix
    /// Runs the rows of `window` against `cache` for the others; `positions` lie in the window.
    func logits(canvas: [Int], window: Range<Int>, positions: [Int], cache: KVCache) throws -> LogitsMatrix
}
