import Models
import Foundation

/// What a transcript's first line says about the run.
public struct TranscriptHeader: Equatable, Sendable {
    public static let format = "dscope-transcript"
    /// 2 added the task (id, expected answer) and each step's top candidates per masked
    /// position; 3 each step's edits (a decoded token replaced); 4 block-diffusion decodes (the
    /// settings' block rule, each step's forward kind and positions). Earlier versions still read,
    /// without them; a whole-canvas decode is still written as version 3, which older readers take.
    public static let version = 4
    public static let wholeCanvasVersion = 3
    public static let readableVersions = 1...4

    /// e.g. "dscope 0.1.0".
    public var tool: String
    public var model: ModelIdentity
    public var tokenizerId: String?
    public var promptText: String?
    public var promptIds: [Int]
    public var generationLength: Int
    public var vocabulary: VocabularyFacts
    /// The settings of step 1; a step line names any change after that.
    public var settings: DecodeSettings
    /// The held-out task the prompt came from, when it did: its id and reference answer.
    public var taskId: String?
    public var expectedAnswer: String?

    public init(tool: String, model: ModelIdentity, tokenizerId: String?, promptText: String?,
                promptIds: [Int], generationLength: Int, vocabulary: VocabularyFacts, settings: DecodeSettings) {
        self.tool = tool
        self.model = model
        self.tokenizerId = tokenizerId
        self.promptText = promptText
        self.promptIds = promptIds
        self.generationLength = generationLength
        self.vocabulary = vocabulary
        self.settings = settings
    }
}

/// A whole decode as JSON Lines: a header, one line per step, a summary (TUI.md, "Transcript and
/// recording formats"). It replays without the model (`canvas(afterStep:)`).
public struct Transcript: Equatable, Sendable {
    public var header: TranscriptHeader
    public var steps: [StepRecord]
    /// Piece text of committed ids as the tokenizer gave it; empty without a tokenizer.
    public var pieces: [Int: String]
    public var summary: DecodeSummary

    public init(header: TranscriptHeader, steps: [StepRecord], pieces: [Int: String], summary: DecodeSummary) {
        self.header = header
        self.steps = steps
        self.pieces = pieces
        self.summary = summary
    }

    public init(session: DecodeSession, model: ModelIdentity, tool: String,
                promptText: String? = nil, tokenText: TokenText? = nil, task: EvalTask? = nil) {
        self.init(canvas: session.canvas, history: session.history, settings: session.settings,
                  vocabulary: session.vocabulary, model: model, tool: tool, promptText: promptText, tokenText: tokenText,
                  task: task)
    }

    /// A block-diffusion decode's records (`BlockStepRecorder`), `settings` those of its next step.
    public init(blockDecode recorder: BlockStepRecorder, settings: BlockDecodeSettings, vocabulary: VocabularyFacts,
                model: ModelIdentity, tool: String, promptText: String? = nil, tokenText: TokenText? = nil,
                task: EvalTask? = nil) {
        self.init(canvas: recorder.canvas, history: recorder.history, settings: DecodeSettings(block: settings),
                  vocabulary: vocabulary, model: model, tool: tool, promptText: promptText, tokenText: tokenText,
                  task: task)
    }

    private init(canvas: Canvas, history: [StepRecord], settings: DecodeSettings, vocabulary: VocabularyFacts,
                 model: ModelIdentity, tool: String, promptText: String?, tokenText: TokenText?, task: EvalTask?) {
        var pieces: [Int: String] = [:]
        if let tokenText {
            for record in history {
                for token in record.commits.map(\.token) + record.edits.map(\.new) { pieces[token] = tokenText.piece(token) }
            }
        }
        self.init(header: TranscriptHeader(tool: tool, model: model, tokenizerId: tokenText?.tokenizerId,
                                           promptText: promptText, promptIds: canvas.promptIds,
                                           generationLength: canvas.generationLength, vocabulary: vocabulary,
                                           settings: history.first?.settings ?? settings),
                  steps: history, pieces: pieces,
                  summary: DecodeSummary(canvas: canvas, history: history, tokenText: tokenText))
        header.taskId = task?.id
        header.expectedAnswer = task?.answer
    }

    /// The canvas as it stood after `step` steps (0 = fully masked).
    public func canvas(afterStep step: Int) throws -> Canvas {
        var canvas = Canvas(promptIds: header.promptIds, generationLength: header.generationLength,
                            maskId: header.vocabulary.maskId)
        for record in steps.prefix(step) { try canvas.apply(record) }
        return canvas
    }

    /// Labels tokens from the recorded pieces; nil when the run had no tokenizer.
    public var tokenText: TokenText? {
        guard let tokenizerId = header.tokenizerId else { return nil }
        let vocabulary = header.vocabulary
        return RecordedPieces(tokenizerId: tokenizerId, pieces: pieces,
                              specialIds: Set([vocabulary.maskId, vocabulary.eosId] + (vocabulary.endOfTurnId.map { [$0] } ?? [])))
    }

    public func jsonLines() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func line<T: Encodable>(_ value: T) throws -> String {
            String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        }
        let v = header.vocabulary
        var text = try line(TranscriptLine.Header(
            format: TranscriptHeader.format,
            version: header.settings.block == nil ? TranscriptHeader.wholeCanvasVersion : TranscriptHeader.version, tool: header.tool,
            model: .init(id: header.model.id, configHash: header.model.configHash),
            tokenizer: header.tokenizerId, prompt: .init(text: header.promptText, ids: header.promptIds),
            generationLength: header.generationLength,
            vocabulary: .init(maskId: v.maskId, eosId: v.eosId, eotId: v.endOfTurnId, logitColumns: v.logitColumns),
            settings: .init(header.settings),
            task: header.taskId.map { TranscriptLine.Task(id: $0, expectedAnswer: header.expectedAnswer) }))
        var previous = header.settings
        for record in steps {
            text += try line(TranscriptLine.Step(
                step: record.step, block: record.block,
                commits: record.commits.map {
                    .init(position: $0.position, token: $0.token, piece: pieces[$0.token], confidence: $0.confidence,
                          entropyNats: $0.entropyNats, margin: $0.margin, rank: $0.rank)
                },
                maskedEntropyNats: record.maskedEntropyNats,
                maskedGuesses: record.maskedGuesses.isEmpty ? nil : record.maskedGuesses,
                topCandidates: record.topCandidates.isEmpty ? nil
                    : record.topCandidates.map { $0?.map { TranscriptLine.Candidate(token: $0.token, probability: $0.probability) } },
                edits: record.edits.isEmpty ? nil : record.edits.map {
                    .init(position: $0.position, old: $0.old, new: $0.new, piece: pieces[$0.new], probability: $0.probability)
                },
                kind: record.blockForward?.kind.rawValue,
                forward: record.blockForward.map { [$0.positions.lowerBound, $0.positions.count] },
                forwardPasses: record.forwardPasses,
                forwardMillis: record.forwardMillis, stepMillis: record.stepMillis,
                settings: record.step == 1 || record.settings != previous ? .init(record.settings) : nil))
            previous = record.settings
        }
        text += try line(TranscriptLine.Summary(summary))
        return text
    }

    public func write(to url: URL) throws {
        try Data(jsonLines().utf8).write(to: url, options: .atomic)
    }
}

extension TranscriptLine.Summary {
    init(_ summary: DecodeSummary) {
        self.init(text: summary.text, ids: summary.ids, stepMap: summary.stepMap, steps: summary.steps,
                  forwardPasses: summary.forwardPasses, complete: summary.complete,
                  decodeMillis: summary.decodeMillis, tokensPerSecond: summary.tokensPerSecond)
    }
}

extension DecodeSummary {
    /// The summary as one JSON object (a transcript's last line; `dscope decode --json`).
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(TranscriptLine.Summary(self)), as: UTF8.self)
    }
}
