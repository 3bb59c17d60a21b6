import Models

/// The vocabulary facts a decoder needs besides logits.
public struct VocabularyFacts: Equatable, Sendable {
    public var maskId: Int
    public var eosId: Int
    /// Logit columns (may exceed the tokenizer's vocabulary: LLaDA pads its embedding).
    public var logitColumns: Int

    public init(maskId: Int, eosId: Int, logitColumns: Int) {
        self.maskId = maskId
        self.eosId = eosId
        self.logitColumns = logitColumns
    }
}

/// How the decoder sees a model: forward a whole canvas, get logits rows of chosen positions.
public protocol DenoisingModel: AnyObject {
    var vocabulary: VocabularyFacts { get }
    func logits(canvas: [Int], positions: [Int]) -> LogitsMatrix
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
