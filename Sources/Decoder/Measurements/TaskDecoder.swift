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
        try decode([(task, settings)])[0]
    }

    /// Several decodes stepped in lockstep (`DecodeSession.stepTogether`): a remote model runs each
    /// step of all of them as one batch. Each outcome is the one its decode gives alone.
    public func decode(_ items: [(task: EvalTask, settings: DecodeSettings)]) throws -> [TaskOutcome] {
        let sessions = try items.map {
            try DecodeSession(model: model, promptIds: promptIds($0.task), generationLength: generationLength,
                              settings: $0.settings, vocabulary: vocabulary)
        }
        while sessions.contains(where: { !$0.isComplete }) { try DecodeSession.stepTogether(sessions) }
        return zip(items, sessions).map { item, session in
            let summary = session.summary(tokenText: tokenText)
            return TaskOutcome(task: item.task, check: checker.check(summary.text ?? "", answer: item.task.answer),
                               summary: summary, session: session)
        }
    }
}

/// A decoded task: the checked answer, the summary, and the session (for a transcript).
public struct TaskOutcome {
    public var task: EvalTask
    public var check: AnswerCheck
    public var summary: DecodeSummary
    public var session: DecodeSession
}
