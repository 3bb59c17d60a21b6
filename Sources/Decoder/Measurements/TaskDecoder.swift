import Models

/// Decodes one task and checks its answer: the unit of work of pass@k and trade-off runs.
public struct TaskDecoder: Sendable {
    public let model: DenoisingModel
    public let vocabulary: VocabularyFacts
    public let tokenText: TokenText
    public let checker: AnswerChecker
    public let generationLength: Int
    /// The prompt's ids (tokenizer and chat template live with the caller).
    public let promptIds: @Sendable (EvalTask) throws -> [Int]

    public init(model: DenoisingModel, vocabulary: VocabularyFacts, tokenText: TokenText, checker: AnswerChecker,
                generationLength: Int, promptIds: @escaping @Sendable (EvalTask) throws -> [Int]) {
        self.model = model
        self.vocabulary = vocabulary
        self.tokenText = tokenText
        self.checker = checker
        self.generationLength = generationLength
        self.promptIds = promptIds
    }

    public func decode(_ task: EvalTask, settings: DecodeSettings) throws -> TaskOutcome {
        let session = try DecodeSession(model: model, promptIds: promptIds(task), generationLength: generationLength,
                                        settings: settings, vocabulary: vocabulary)
        try session.runToEnd()
        let summary = session.summary(tokenText: tokenText)
        return TaskOutcome(task: task, check: checker.check(summary.text ?? "", answer: task.answer), summary: summary,
                           session: session)
    }
}

/// A decoded task: the checked answer, the summary, and the session (for a transcript).
public struct TaskOutcome {
    public var task: EvalTask
    public var check: AnswerCheck
    public var summary: DecodeSummary
    public var session: DecodeSession
}
