import Models
import Foundation
import Models

extension Transcript {
    /// Reads and validates a transcript: every step must replay onto the canvas the header
    /// describes, and the summary must match the replay.
    public init(jsonLines text: String) throws {
        self = try TranscriptReader(text: text).read()
    }

    public init(contentsOf url: URL) throws {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TranscriptError.unreadable(path: url.path, reason: error.localizedDescription)
        }
        try self.init(jsonLines: String(decoding: data, as: UTF8.self))
    }
}

public enum TranscriptError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case empty
    case notJSON(line: Int)
    /// A field of a line is missing, of the wrong type, or disagrees with the replay.
    case field(line: Int, field: String, problem: String)
    case unexpectedLine(line: Int, found: String, expected: String)
    case missingSummary(lines: Int)

    private static let advice = "the file was cut short or edited; write it again with dscope decode --transcript FILE"

    /// Values read from files are escaped and the message cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case let .unreadable(path, reason):
            return "cannot read transcript \(path): \(reason)"
        case .empty:
            return "the transcript is empty; \(Self.advice)"
        case let .notJSON(line):
            return "transcript line \(line): not a JSON object; \(Self.advice)"
        case let .field(line, field, problem):
            return "transcript line \(line), field \(field): \(problem); \(Self.advice)"
        case let .unexpectedLine(line, found, expected):
            return "transcript line \(line): a \(found) line where a \(expected) line belongs; \(Self.advice)"
        case let .missingSummary(lines):
            return "the transcript ends after line \(lines) without a summary line; \(Self.advice)"
        }
    }
}

private struct TranscriptReader {
    let lines: [Substring]

    init(text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        self.lines = lines
    }

    func read() throws -> Transcript {
        guard !lines.isEmpty else { throw TranscriptError.empty }
        let header = try readHeader()
        var canvas = Canvas(promptIds: header.promptIds, generationLength: header.generationLength,
                            maskId: header.vocabulary.maskId)
        var steps: [StepRecord] = [], pieces: [Int: String] = [:]
        var settings = header.settings
        for number in stride(from: 2, through: lines.count, by: 1) {
            let type = try decode(TranscriptLine.Kind.self, line: number).type
            switch type {
            case "step":
                let line = try decode(TranscriptLine.Step.self, line: number)
                if let changed = line.settings { settings = try readSettings(changed, line: number, header: header) }
                let record = try readStep(line, number: number, settings: settings, header: header, canvas: &canvas)
                for commit in line.commits { if let piece = commit.piece { pieces[commit.token] = piece } }
                for edit in line.edits ?? [] { if let piece = edit.piece { pieces[edit.new] = piece } }
                steps.append(record)
            case "summary":
                let summary = try readSummary(line: number, steps: steps, canvas: canvas)
                guard number == lines.count else {
                    throw TranscriptError.unexpectedLine(line: number + 1, found: "further", expected: "final (summary)")
                }
                return Transcript(header: header, steps: steps, pieces: pieces, summary: summary)
            case "header":
                throw TranscriptError.unexpectedLine(line: number, found: "header", expected: "step or summary")
            default:
                throw TranscriptError.field(line: number, field: "type", problem: "unknown line type \"\(type)\" (header, step, summary)")
            }
        }
        throw TranscriptError.missingSummary(lines: lines.count)
    }

    private func readHeader() throws -> TranscriptHeader {
        let kind = try decode(TranscriptLine.Kind.self, line: 1).type
        guard kind == "header" else { throw TranscriptError.unexpectedLine(line: 1, found: kind, expected: "header") }
        let line = try decode(TranscriptLine.Header.self, line: 1)
        guard line.format == TranscriptHeader.format else {
            throw TranscriptError.field(line: 1, field: "format", problem: "\"\(line.format)\" is not \(TranscriptHeader.format)")
        }
        guard TranscriptHeader.readableVersions.contains(line.version) else {
            throw TranscriptError.field(line: 1, field: "version", problem:
                "version \(line.version) is not one this dscope reads (\(TranscriptHeader.readableVersions.map(String.init).joined(separator: ", "))); use the dscope that wrote it")
        }
        let v = line.vocabulary
        guard (1...ModelBounds.maxVocabulary).contains(v.logitColumns) else {
            throw TranscriptError.field(line: 1, field: "vocabulary.logit_columns", problem: "\(v.logitColumns) is outside 1…\(ModelBounds.maxVocabulary)")
        }
        let vocabulary = VocabularyFacts(maskId: v.maskId, eosId: v.eosId, endOfTurnId: v.eotId, logitColumns: v.logitColumns)
        if let index = line.prompt.ids.firstIndex(where: { !(0..<v.logitColumns).contains($0) || $0 == v.maskId }) {
            throw TranscriptError.field(line: 1, field: "prompt.ids[\(index)]", problem: "not a prompt token of \(v.logitColumns) logit columns")
        }
        // Checked before the canvas is allocated from it.
        guard (1...DecodeLimits.maxGenerationLength).contains(line.generationLength) else {
            throw TranscriptError.field(line: 1, field: "generation_length", problem: "\(line.generationLength) is outside 1…\(DecodeLimits.maxGenerationLength)")
        }
        var header = TranscriptHeader(tool: line.tool, model: ModelIdentity(id: line.model.id, configHash: line.model.configHash),
                                      tokenizerId: line.tokenizer, promptText: line.prompt.text, promptIds: line.prompt.ids,
                                      generationLength: line.generationLength, vocabulary: vocabulary,
                                      settings: DecodeSettings())
        header.settings = try readSettings(line.settings, line: 1, header: header)
        if let block = header.settings.block, block.generatedPositions(promptLength: line.prompt.ids.count) != line.generationLength {
            throw TranscriptError.field(line: 1, field: "generation_length", problem:
                "\(line.generationLength) is not the \(block.generatedPositions(promptLength: line.prompt.ids.count)) generated positions of the block rule's canvas")
        }
        header.taskId = line.task?.id
        header.expectedAnswer = line.task?.expectedAnswer
        return header
    }

    private func readSettings(_ line: TranscriptLine.Settings, line number: Int, header: TranscriptHeader) throws -> DecodeSettings {
        let settings: DecodeSettings
        switch line.decoded() {
        case let .success(decoded): settings = decoded
        case let .failure(problem): throw TranscriptError.field(line: number, field: problem.field, problem: problem.problem)
        }
        do { try settings.validate(generationLength: header.generationLength) } catch {
            throw TranscriptError.field(line: number, field: "settings", problem: "\(error)")
        }
        // A change mid-way (the scope's editing key) keeps the canvas: its block and length stay.
        if number > 1, (settings.block == nil) != (header.settings.block == nil)
            || settings.block.map({ ($0.blockLength, $0.generationLength) }).map({ $0 != (header.settings.block!.blockLength, header.settings.block!.generationLength) }) == true {
            throw TranscriptError.field(line: number, field: "settings", problem: "a step may change the rule's thresholds, not the block length, generation length or kind of decode of the header")
        }
        return settings
    }

    private func readStep(_ line: TranscriptLine.Step, number: Int, settings: DecodeSettings,
                          header: TranscriptHeader, canvas: inout Canvas) throws -> StepRecord {
        func fail(_ field: String, _ problem: String) -> TranscriptError {
            .field(line: number, field: field, problem: problem)
        }
        guard line.step == number - 1 else { throw fail("step", "expected \(number - 1), found \(line.step)") }
        let blockForward = try settings.block.map { try Self.blockForward(line, settings: $0, header: header, fail: fail) }
        let blockRange: Range<Int>
        if let block = settings.block {
            // Canvas blocks start at index 0, before the prompt ends; a store's one commit is
            // Fast-dLLM v2's AR token, the next block's first position.
            let P = header.promptIds.count, B = block.blockLength
            let denoises = blockForward?.kind == .denoise || blockForward?.kind == .post
            if !denoises && line.commits.count > 1 { throw fail("commits", "a \(line.kind ?? "") step commits at most one token (the AR token)") }
            let first = (line.block + (denoises ? 0 : 1)) * B - P
            blockRange = denoises ? first..<(first + B) : 0..<header.generationLength
            for (index, edit) in (line.edits ?? []).enumerated() where !(first..<(first + B)).contains(edit.position) || !denoises {
                throw fail("edits[\(index)].position", "\(edit.position) is not a position of block \(line.block) on a denoise or post step")
            }
        } else {
            let blocks = settings.blocks(generationLength: header.generationLength)
            guard blocks.currentBlock(of: canvas) == line.block else {
                throw fail("block", "the first block with a mask is \(blocks.currentBlock(of: canvas).map(String.init) ?? "none"), not \(line.block)")
            }
            blockRange = blocks.range(ofBlock: line.block)
        }
        for (index, commit) in line.commits.enumerated() {
            guard commit.rank == index + 1 else { throw fail("commits[\(index)].rank", "expected \(index + 1), found \(commit.rank)") }
            guard (0..<header.vocabulary.logitColumns).contains(commit.token) else {
                throw fail("commits[\(index)].token", "\(commit.token) is outside the \(header.vocabulary.logitColumns) logit columns")
            }
            guard blockRange.contains(commit.position), canvas.isMasked(commit.position) else {
                throw fail("commits[\(index)].position", "\(commit.position) is not a masked position of block \(line.block)")
            }
        }
        guard (1...DecodeLimits.maxForwardPassesPerStep).contains(line.forwardPasses) else {
            throw fail("forward_passes", "\(line.forwardPasses) is outside 1…\(DecodeLimits.maxForwardPassesPerStep)")
        }
        for (field, millis) in [("forward_ms", line.forwardMillis), ("step_ms", line.stepMillis)] where !(millis.isFinite && millis >= 0) {
            throw fail(field, "\(millis) must be a finite number ≥ 0")
        }
        let entropyRange = Self.entropyRange(columns: header.vocabulary.logitColumns)
        for (index, commit) in line.commits.enumerated() {
            let fields = [("confidence", commit.confidence, Float(0)...1), ("margin", commit.margin, 0...1),
                          ("entropy_nats", commit.entropyNats, entropyRange)]
            for (field, value, range) in fields where !range.contains(value) {
                throw fail("commits[\(index)].\(field)", "\(value) is outside \(range.lowerBound)…\(range.upperBound)")
            }
        }
        if let index = line.maskedEntropyNats.firstIndex(where: { $0.map { !entropyRange.contains($0) } ?? false }) {
            throw fail("masked_entropy_nats[\(index)]", "\(line.maskedEntropyNats[index]!) is outside \(entropyRange.lowerBound)…\(entropyRange.upperBound)")
        }
        if let tops = line.topCandidates {
            guard tops.count == header.generationLength else {
                throw fail("top_candidates", "has \(tops.count) entries for \(header.generationLength) positions")
            }
            for (position, candidates) in tops.enumerated() {
                guard let candidates else { continue }
                // Masked at this step's forward: still masked now, commits of this step not yet applied.
                guard canvas.isMasked(position) else {
                    throw fail("top_candidates[\(position)]", "must be null: the position was decoded before this step")
                }
                if let bad = candidates.firstIndex(where: { !(0..<header.vocabulary.logitColumns).contains($0.token)
                                                             || !($0.probability >= 0 && $0.probability <= 1) }) {
                    throw fail("top_candidates[\(position)][\(bad)]", "must be [token id, probability in 0…1]")
                }
            }
        }
        var record = StepRecord(
            step: line.step, block: line.block, settings: settings,
            commits: line.commits.map {
                Commit(position: $0.position, token: $0.token, confidence: $0.confidence,
                       entropyNats: $0.entropyNats, margin: $0.margin, rank: $0.rank)
            },
            maskedEntropyNats: line.maskedEntropyNats, maskedGuesses: line.maskedGuesses ?? [],
            topCandidates: (line.topCandidates ?? []).map { $0?.map { TokenProbability(token: $0.token, probability: $0.probability) } },
            forwardPasses: line.forwardPasses, forwardMillis: line.forwardMillis, stepMillis: line.stepMillis,
            edits: (line.edits ?? []).map { TokenEdit(position: $0.position, old: $0.old, new: $0.new, probability: $0.probability) })
        record.blockForward = blockForward
        if let bad = record.edits.firstIndex(where: { !(0..<header.vocabulary.logitColumns).contains($0.new)
                                                       || !($0.probability >= 0 && $0.probability <= 1) }) {
            throw fail("edits[\(bad)]", "must name a token id and a probability in 0…1")
        }
        do { try canvas.apply(record) } catch { throw fail(record.edits.isEmpty ? "commits" : "commits or edits", "\(error)") }
        guard line.maskedEntropyNats.count == header.generationLength else {
            throw fail("masked_entropy_nats", "has \(line.maskedEntropyNats.count) entries for \(header.generationLength) positions")
        }
        // A block step computes only its block: masks elsewhere have no number.
        if let position = canvas.states.indices.first(where: {
            settings.block == nil ? canvas.isMasked($0) != (line.maskedEntropyNats[$0] != nil)
                : !canvas.isMasked($0) && line.maskedEntropyNats[$0] != nil
        }) {
            throw fail("masked_entropy_nats[\(position)]", settings.block == nil ? "must be a number exactly where the position is still masked"
                                                                              : "must be null where the position is decoded")
        }
        if let guesses = line.maskedGuesses {
            guard guesses.count == header.generationLength else {
                throw fail("masked_guesses", "has \(guesses.count) entries for \(header.generationLength) positions")
            }
            if let position = guesses.indices.first(where: { index in
                guesses[index].map { !canvas.isMasked(index) || !(0..<header.vocabulary.logitColumns).contains($0) } ?? false
            }) {
                throw fail("masked_guesses[\(position)]", "must be null or a token id of a position still masked")
            }
        }
        return record
    }

    /// A block step's forward: its kind and the positions computed, inside the canvas's reach.
    private static func blockForward(_ line: TranscriptLine.Step, settings: BlockDecodeSettings, header: TranscriptHeader,
                                     fail: (String, String) -> TranscriptError) throws -> BlockForward {
        guard let name = line.kind else { throw fail("kind", "missing for a block rule") }
        guard let kind = BlockStep.Kind(rawValue: name) else { throw fail("kind", "unknown kind \"\(name)\" (prefill, denoise, post, store)") }
        let end = header.promptIds.count + header.generationLength
        guard let forward = line.forward, forward.count == 2, forward[1] >= 1, forward[0] >= 0, forward[0] <= end - forward[1] else {
            throw fail("forward", "must be [first position, count] inside the \(end) canvas positions")
        }
        let blocks = (end + settings.blockLength - 1) / settings.blockLength
        guard (0..<blocks).contains(line.block) else { throw fail("block", "\(line.block) is outside the canvas's \(blocks) blocks") }
        return BlockForward(kind: kind, positions: forward[0]..<(forward[0] + forward[1]))
    }

    /// 0 … ln V nats, with room for Float rounding; NaN lies outside every range.
    static func entropyRange(columns: Int) -> ClosedRange<Float> {
        0...(Float(log(Double(columns))) * 1.001 + 1e-3)
    }

    private func readSummary(line number: Int, steps: [StepRecord], canvas: Canvas) throws -> DecodeSummary {
        let line = try decode(TranscriptLine.Summary.self, line: number)
        guard line.decodeMillis.isFinite && line.decodeMillis >= 0 else {
            throw TranscriptError.field(line: number, field: "decode_ms", problem: "\(line.decodeMillis) must be a finite number ≥ 0")
        }
        let replayed = DecodeSummary(canvas: canvas, history: steps, tokenText: nil)
        func check<T: Equatable>(_ field: String, _ found: T, _ expected: T) throws {
            guard found == expected else {
                throw TranscriptError.field(line: number, field: field, problem: "\(found) disagrees with the replayed steps (\(expected))")
            }
        }
        try check("steps", line.steps, replayed.steps)
        try check("ids", line.ids, replayed.ids)
        try check("step_map", line.stepMap, replayed.stepMap)
        try check("forward_passes", line.forwardPasses, replayed.forwardPasses)
        try check("complete", line.complete, replayed.complete)
        return DecodeSummary(ids: line.ids, text: line.text, stepMap: line.stepMap, steps: line.steps,
                             forwardPasses: line.forwardPasses, complete: line.complete, decodeMillis: line.decodeMillis)
    }

    private func decode<T: Decodable>(_ type: T.Type, line number: Int) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(lines[number - 1].utf8))
        } catch let DecodingError.keyNotFound(key, context) {
            throw TranscriptError.field(line: number, field: Self.path(context.codingPath + [key]), problem: "missing")
        } catch let DecodingError.typeMismatch(expected, context) {
            throw TranscriptError.field(line: number, field: Self.path(context.codingPath), problem: "not a \(expected)")
        } catch let DecodingError.valueNotFound(expected, context) {
            throw TranscriptError.field(line: number, field: Self.path(context.codingPath), problem: "null where a \(expected) belongs")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw TranscriptError.field(line: number, field: Self.path(context.codingPath), problem: "invalid value")
        } catch {
            throw TranscriptError.notJSON(line: number)
        }
    }

    /// `commits[2].token` style.
    private static func path(_ keys: [CodingKey]) -> String {
        keys.reduce("") { path, key in
            if let index = key.intValue { return path + "[\(index)]" }
            return path.isEmpty ? key.stringValue : path + "." + key.stringValue
        }
    }
}
