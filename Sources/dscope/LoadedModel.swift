import Decoder
import Foundation
import Models
import Remote
import TUI

/// A checkpoint loaded for decoding: the model, its tokenizer and the vocabulary facts the
/// decoder needs (with the end-of-turn id, which only the tokenizer names). For a remote model
/// `location` is the local copy of the server's companion files (tokenizer, tasks, defaults).
struct LoadedModel {
    let location: ModelLocation
    /// How the status bar and error messages call it.
    let name: String
    let identity: ModelIdentity
    let model: DenoisingModel
    /// The architecture and hyperparameters; nil for a remote model (its server holds them).
    let configuration: ModelConfiguration?
    let tokenText: TokenizerText?
    let vocabulary: VocabularyFacts

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
        return ScopeModel(name: name, identity: identity, model: model, vocabulary: vocabulary,
                          tokenText: tokenText, labels: labels, generationLength: generationLength, tasks: try heldOutTasks(),
                          tool: "dscope \(DScopeVersion.string)") { try promptIds(for: $0, chat: chat) }
    }
}

extension ModelOptions {
    func load() throws -> LoadedModel {
        if let remote = try remoteModel() {
            let location = try ModelLocation(try mirror(of: remote).path)
            return try loaded(location: location, name: remote.displayName, identity: remote.identity, model: remote)
        }
        try QuantizeOnLoad.check(weights)   // here, not in validate(): bench decode's --synthetic takes any type
        let location = try location()
        let configuration = try location.configuration()
        let model = try location.model(configuration, threads: threads, quantizingTo: weights)
        // weights quantised on load decode differently from the file's own: transcripts say so
        let id = weights.map { "\(location.name) (\($0.rawValue) on load)" } ?? location.name
        return try loaded(location: location, name: location.name,
                          identity: ModelIdentity(id: id, configHash: configuration.fingerprint),
                          model: model, configuration: configuration)
    }

    private func loaded(location: ModelLocation, name: String, identity: ModelIdentity,
                        model: DenoisingModel, configuration: ModelConfiguration? = nil) throws -> LoadedModel {
        let tokenText = try tokenText(location)
        var vocabulary = model.vocabulary
        vocabulary.endOfTurnId = tokenText?.tokenizer.specialTokens.endOfTurn
        return LoadedModel(location: location, name: name, identity: identity, model: model,
                           configuration: configuration, tokenText: tokenText, vocabulary: vocabulary)
    }

    /// The server's companion files, copied once per served model into the temporary folder.
    private func mirror(of remote: RemoteModel) throws -> URL {
        let tag = ModelIdentity.fingerprint(Data(remote.health.modelTag.utf8)).replacingOccurrences(of: ":", with: "-")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-remote/\(tag)")
        try remote.mirrorFiles(into: folder)
        return folder
    }
}
