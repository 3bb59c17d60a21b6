import Models
import Foundation
@testable import Decoder

/// Ids 0–9 are the digits, 10 a space, 11 "x"; 14 is EOS and 15 the mask.
struct DigitText: TokenText {
    let tokenizerId = "digits"
    func piece(_ id: Int) -> String {
        switch id {
        case 0...9: return String(id)
        case 10: return " "
        case 11: return "x"
        default: return ""
        }
    }
    func text(_ ids: [Int]) -> String { ids.map(piece).joined() }
}

enum MeasurementFixtures {
    static let columns = 16, eos = 14, mask = 15

    /// Favours a space at the first positions and a 7 at the last, loosely enough that sampled
    /// decodes differ: the last-number checker finds "7" in some samples only.
    static func model() -> ScriptedModel {
        ScriptedModel(columns: columns, maskId: mask, eosId: eos) { _, canvas, position in
            let offset = position - scriptedPrompt.count
            let decided = canvas.filter { $0 != mask }.count
            var p = [Double](repeating: 0.02, count: columns)
            p[mask] = 0
            p[offset < 2 ? 10 : 7] = 0.35
            p[(offset * 3 + decided) % 10] += 0.2
            let total = p.reduce(0, +)
            return rowOf(p.map { $0 / total }, columns: columns)
        }
    }

    static func decoder(_ model: ScriptedModel, checker: AnswerChecker = .lastNumber, length: Int = 3) -> TaskDecoder {
        TaskDecoder(model: model, vocabulary: model.vocabulary, tokenText: DigitText(), checker: checker,
                    generationLength: length, promptIds: { _ in scriptedPrompt })
    }

    static func tasks(_ count: Int) -> [EvalTask] {
        (0..<count).map { EvalTask(id: "task-\($0)", prompt: "question \($0)", answer: $0 % 2 == 0 ? "7" : "17") }
    }

    static func config(_ tasks: [EvalTask], n: Int, orders: [DecodeOrder] = [.ar, .confidence], seed: UInt64 = 5) -> PassKConfig {
        PassKConfig(model: ModelIdentity(id: "scripted", configHash: "fnv1a64:0000000000000001"),
                    tasks: TaskSet(file: "tasks.jsonl", tasks: tasks), checker: .lastNumber, chat: false,
                    samplesPerTask: n, orders: orders, generationLength: 3,
                    settings: DecodeSettings(temperature: 1, seed: seed))
    }

    static func temporaryFile(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("dscope-\(UUID().uuidString)-\(name)").path
    }

    /// A transcript whose steps commit `(position, token, entropy)` triples as given; every
    /// position still masked after a step gets entropy 1 in its heatmap row.
    static func transcript(order: DecodeOrder, length: Int, steps: [[(Int, Int, Float)]]) throws -> Transcript {
        let vocabulary = VocabularyFacts(maskId: mask, eosId: eos, logitColumns: columns)
        let settings = DecodeSettings(order: order, parallelism: .perStep(k: 1))
        var canvas = Canvas(promptIds: [3], generationLength: length, maskId: mask)
        var records: [StepRecord] = []
        for (index, commits) in steps.enumerated() {
            var record = StepRecord(
                step: index + 1, block: 0, settings: settings,
                commits: commits.enumerated().map { rank, commit in
                    Commit(position: commit.0, token: commit.1, confidence: 0.5, entropyNats: commit.2, margin: 0.1, rank: rank + 1)
                },
                maskedEntropyNats: [], forwardPasses: 1, forwardMillis: 1, stepMillis: 1)
            try canvas.apply(record)
            record.maskedEntropyNats = canvas.states.map { $0 == .masked ? 1 : nil }
            records.append(record)
        }
        let pieces = Dictionary(uniqueKeysWithValues: Set(canvas.generatedIds).map { ($0, DigitText().piece($0)) })
        let transcript = Transcript(
            header: TranscriptHeader(tool: "dscope test", model: ModelIdentity(id: "hand", configHash: "fnv1a64:0000000000000002"),
                                     tokenizerId: "digits", promptText: nil, promptIds: [3], generationLength: length,
                                     vocabulary: vocabulary, settings: settings),
            steps: records, pieces: pieces, summary: DecodeSummary(canvas: canvas, history: records, tokenText: DigitText()))
        // Through the validating reader, so the hand-made steps are a transcript dscope could have written.
        return try Transcript(jsonLines: transcript.jsonLines())
    }
}
