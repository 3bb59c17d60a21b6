import Decoder
import Foundation
import Models
import TUI

/// A checkpoint loaded for decoding: the model, its tokenizer and the vocabulary facts the
/// decoder needs (with the end-of-turn id, which only the tokenizer names).
struct LoadedModel {
    let location: ModelLocation
    let configuration: ModelConfiguration
    let model: TransformerModel
    let tokenText: TokenizerText?
    let vocabulary: VocabularyFacts

    var identity: ModelIdentity { ModelIdentity(id: location.name, configHash: configuration.fingerprint) }

    /// Prompt text → ids; `chat` renders it as one user turn of the model's chat template.
    func promptIds(for text: String, chat: Bool) throws -> [Int] {
        try requireTokenText().tokenizer.promptIDs(for: text, chat: chat)
    }

    /// The tokenizer, for commands that start from prompt text.
    func requireTokenText() throws -> TokenizerText {
        guard let tokenText else { throw DecodeCommandError.noTokenizer(folder: location.path) }
        return tokenText
    }

    /// The tasks shipped beside the model (heldout.jsonl); none for a model without them.
    func heldOutTasks() throws -> [EvalTask] {
        guard let path = location.companionFile("heldout.jsonl") else { return [] }
        return try TaskFile.read(path: path)
    }

    /// Decodes measurement tasks: prompts through the tokenizer, answers through `checker`.
    func taskDecoder(checker: AnswerChecker, generationLength: Int, chat: Bool) throws -> TaskDecoder {
        let tokenText = try requireTokenText()
        return TaskDecoder(model: model, vocabulary: vocabulary, tokenText: tokenText, checker: checker,
                           generationLength: generationLength,
                           promptIds: { try tokenText.tokenizer.promptIDs(for: $0.prompt, chat: chat) })
    }

    /// With --allow-beyond-context, says on stderr that the canvas runs past the model's context
    /// (without it, DecodeSession refuses such a canvas).
    func warnIfBeyondContext(promptLength: Int, generationLength: Int, allowed: Bool) {
        guard allowed, let context = DecodeSession.exceededContext(model: model, promptLength: promptLength,
                                                                   generationLength: generationLength) else { return }
        fprint("warning: \(location.name): prompt (\(promptLength) tokens) + generation (\(generationLength)) = "
            + "\(promptLength + generationLength) positions exceed the model's context of \(context); "
            + "positions past \(context) were never trained and give unreliable output")
    }

    /// Everything the TUI needs of the model, behind plain values and closures.
    func scopeModel(generationLength: Int, chat: Bool) throws -> ScopeModel {
        let labels = tokenText.map { text in TokenLabels(bytes: { text.tokenizer.bytes(of: $0) }) }
            ?? TokenLabels(recordedPieces: [:])
        return ScopeModel(name: location.name, identity: identity, model: model, vocabulary: vocabulary,
                          tokenText: tokenText, labels: labels, generationLength: generationLength, tasks: try heldOutTasks(),
                          tool: "dscope \(DScopeVersion.string)") { try promptIds(for: $0, chat: chat) }
    }
}

extension ModelOptions {
    func load() throws -> LoadedModel {
        let location = try location()
        let tokenText = try tokenText(location)
        let configuration = try location.configuration()
        let model = try location.model(configuration, threads: threads)
        var vocabulary = model.vocabulary
        vocabulary.endOfTurnId = tokenText?.tokenizer.specialTokens.endOfTurn
        return LoadedModel(location: location, configuration: configuration, model: model, tokenText: tokenText, vocabulary: vocabulary)
    }
}
