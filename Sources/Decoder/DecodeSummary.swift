/// The outcome of a decode: what a headless run prints and a transcript's last line holds.
public struct DecodeSummary: Equatable, Sendable {
    /// The generated ids; the mask id where a position is still masked.
    public var ids: [Int]
    /// The generated text without special tokens; nil without a tokenizer.
    public var text: String?
    /// 1-based commit step per generated position; nil while masked.
    public var stepMap: [Int?]
    public var steps: Int
    public var forwardPasses: Int
    public var complete: Bool
    /// Sum of the steps' wall times (pauses between steps in a UI do not count).
    public var decodeMillis: Double

    public init(ids: [Int], text: String?, stepMap: [Int?], steps: Int, forwardPasses: Int,
                complete: Bool, decodeMillis: Double) {
        self.ids = ids
        self.text = text
        self.stepMap = stepMap
        self.steps = steps
        self.forwardPasses = forwardPasses
        self.complete = complete
        self.decodeMillis = decodeMillis
    }

    public init(canvas: Canvas, history: [StepRecord], tokenText: TokenText?) {
        let ids = canvas.generatedIds
        self.init(ids: ids, text: tokenText?.text(ids.filter { $0 != canvas.maskId }),
                  stepMap: canvas.stepMap, steps: history.count,
                  forwardPasses: history.reduce(0) { $0 + $1.forwardPasses },
                  complete: canvas.isComplete,
                  decodeMillis: history.reduce(0) { $0 + $1.stepMillis })
    }

    /// Committed tokens per second of decoding.
    public var tokensPerSecond: Double {
        let committed = stepMap.filter { $0 != nil }.count
        return decodeMillis > 0 ? Double(committed) / (decodeMillis / 1000) : 0
    }
}

extension DecodeSession {
    public func summary(tokenText: TokenText? = nil) -> DecodeSummary {
        DecodeSummary(canvas: canvas, history: history, tokenText: tokenText)
    }
}
