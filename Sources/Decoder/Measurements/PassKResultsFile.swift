import Models
import Foundation
import Models

/// The results file: format "dscope-passk", version 1, one pretty-printed JSON object with sorted
/// snake_case keys; seeds are decimal strings (64-bit seeds do not survive readers that parse
/// numbers as doubles). `report` is written for readers and ignored on reading (it is recomputed).
///
///     {"format", "version", "tool",
///      "run": {"model": {"id", "config_hash"}, "tasks": {"file", "fingerprint", "ids"}, "checker", "chat",
///              "n", "orders", "generation_length",
///              "settings": {"block_length"?, "parallelism": {"rule", …}, "temperature", "seed",
///                           "cfg_scale", "suppress_eos", "defer_end_of_text"}},
///      "k": [1, 2, …], "shards"?: {"count", "indices"} (absent for a whole run),
///      "samples": [{"task", "order", "sample", "seed", "correct", "extracted"?, "text", "steps",
///                   "forward_passes", "decode_ms"}],
///      "report": {…}}
extension PassKResults {
    public static let format = "dscope-passk"
    public static let version = 1

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let report = PassKReport(results: self)
        return try encoder.encode(ResultsJSON(self, report: report))
    }

    public func write(to path: String) throws {
        do { try json().write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw PassKResultsError.unwritable(path: path, reason: error.localizedDescription)
        }
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw PassKResultsError.unreadable(path: path) }
        let file: ResultsJSON
        do { file = try JSONDecoder().decode(ResultsJSON.self, from: data) } catch {
            throw PassKResultsError.malformed(path: path, problem: Self.problem(error))
        }
        guard file.format == Self.format else {
            throw PassKResultsError.malformed(path: path, problem: "format \"\(file.format)\" is not \(Self.format)")
        }
        guard file.version == Self.version else { throw PassKResultsError.version(path: path, found: file.version) }
        self = try file.results(path: path)
    }

    private static func problem(_ error: Error) -> String {
        switch error {
        case let DecodingError.keyNotFound(key, context): return "\((context.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        case let DecodingError.typeMismatch(_, context): return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type"
        case let DecodingError.valueNotFound(_, context): return "\(context.codingPath.map(\.stringValue).joined(separator: ".")) is null"
        default: return "not a JSON object"
        }
    }
}

public enum PassKResultsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String)
    case unwritable(path: String, reason: String)
    case malformed(path: String, problem: String)
    case version(path: String, found: Int)
    case invalid(path: String, problem: String)

    /// Values read from files are escaped and the message cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case let .unreadable(path):
            return "\(path): cannot read the results file; check the path"
        case let .unwritable(path, reason):
            return "\(path): cannot write the results file: \(reason)"
        case let .malformed(path, problem):
            return "\(path): not a dscope passk results file (\(problem)); give a file that dscope passk --out wrote"
        case let .version(path, found):
            return "\(path): results format version \(found), but this dscope reads version \(PassKResults.version); use the dscope that wrote it"
        case let .invalid(path, problem):
            return "\(path): \(problem); the file was edited or cut short — run dscope passk again with a new --out"
        }
    }
}

private struct ResultsJSON: Codable {
    var format = PassKResults.format
    var version = PassKResults.version
    var tool: String
    var run: Run
    var k: [Int]
    var shards: Shards?
    var samples: [Sample]
    /// Encoded only.
    var report: PassKReport.JSON?

    enum CodingKeys: String, CodingKey { case format, version, tool, run, k, shards, samples, report }

    init(_ results: PassKResults, report: PassKReport) {
        let c = results.config
        tool = results.tool
        run = Run(model: .init(id: c.model.id, configHash: c.model.configHash),
                  tasks: .init(file: c.tasks.file, fingerprint: c.tasks.fingerprint, ids: c.tasks.ids),
                  checker: c.checker, chat: c.chat, n: c.samplesPerTask, orders: c.orders, generationLength: c.generationLength,
                  settings: .init(blockLength: c.blockLength, parallelism: .init(c.parallelism), temperature: c.temperature,
                                  seed: String(c.seed), cfgScale: c.cfgScale, suppressEOS: c.suppressEOS,
                                  deferEndOfText: c.deferEndOfText))
        k = results.ks
        shards = results.shards.map { Shards(count: $0.count, indices: $0.indices.sorted()) }
        samples = results.samples.map {
            Sample(task: $0.key.taskId, order: $0.key.order, sample: $0.key.sample, seed: String($0.seed), correct: $0.correct,
                   extracted: $0.extracted, text: $0.text, steps: $0.steps, forwardPasses: $0.forwardPasses,
                   decodeMillis: $0.decodeMillis)
        }
        self.report = report.json
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        format = try c.decode(String.self, forKey: .format)
        version = try c.decode(Int.self, forKey: .version)
        tool = try c.decode(String.self, forKey: .tool)
        run = try c.decode(Run.self, forKey: .run)
        k = try c.decode([Int].self, forKey: .k)
        shards = try c.decodeIfPresent(Shards.self, forKey: .shards)
        samples = try c.decode([Sample].self, forKey: .samples)
    }

    func results(path: String) throws -> PassKResults {
        func invalid(_ problem: String) -> PassKResultsError { .invalid(path: path, problem: problem) }
        try checkBounds(invalid)
        let s = run.settings
        guard let seed = UInt64(s.seed) else { throw invalid("run.settings.seed \"\(s.seed)\" is not a 64-bit seed") }
        let parallelism: ParallelismRule
        switch s.parallelism.decoded() {
        case let .success(rule): parallelism = rule
        case let .failure(problem): throw invalid("run.\(problem.field): \(problem.problem)")
        }
        let settings = DecodeSettings(blockLength: s.blockLength, parallelism: parallelism, temperature: s.temperature,
                                      seed: seed, cfgScale: s.cfgScale, suppressEOS: s.suppressEOS,
                                      deferEndOfText: s.deferEndOfText)
        do { try settings.validate(generationLength: run.generationLength) } catch {
            throw invalid("run.settings: \(error)")
        }
        let config = PassKConfig(model: ModelIdentity(id: run.model.id, configHash: run.model.configHash),
                                 tasks: TaskSet(file: run.tasks.file, ids: run.tasks.ids, fingerprint: run.tasks.fingerprint),
                                 checker: run.checker, chat: run.chat, samplesPerTask: run.n, orders: run.orders,
                                 generationLength: run.generationLength, settings: settings)
        var shardSet: ShardSet?
        if let shards {
            guard shards.count >= 1, shards.indices.allSatisfy((0..<shards.count).contains) else {
                throw invalid("shards.indices \(shards.indices) do not lie in 0…\(shards.count - 1)")
            }
            shardSet = ShardSet(count: shards.count, indices: Set(shards.indices))
        }
        let planned = Set(config.keys(shards: shardSet))
        var results = PassKResults(tool: tool, config: config, shards: shardSet, ks: k)
        for (index, sample) in samples.enumerated() {
            let key = SampleKey(taskId: sample.task, order: sample.order, sample: sample.sample)
            guard planned.contains(key) else { throw invalid("samples[\(index)] (\(sample.task), \(sample.order.rawValue), \(sample.sample)) is not part of this run") }
            guard let sampleSeed = UInt64(sample.seed) else { throw invalid("samples[\(index)].seed \"\(sample.seed)\" is not a 64-bit seed") }
            if let problem = sample.problem(generationLength: run.generationLength) { throw invalid("samples[\(index)].\(problem)") }
            results.record(SampleResult(key: key, seed: sampleSeed, correct: sample.correct, extracted: sample.extracted,
                                        text: sample.text, steps: sample.steps, forwardPasses: sample.forwardPasses,
                                        decodeMillis: sample.decodeMillis))
        }
        return results
    }

    /// Every count of the run within PassKConfig's bounds, before `keys` plans n × orders × tasks samples.
    private func checkBounds(_ invalid: (String) -> PassKResultsError) throws {
        let n = run.n
        guard (1...PassKConfig.maxSamplesPerTask).contains(n) else {
            throw invalid("run.n \(n) is outside 1…\(PassKConfig.maxSamplesPerTask)")
        }
        guard !run.orders.isEmpty, Set(run.orders).count == run.orders.count else {
            throw invalid("run.orders \(run.orders.map(\.rawValue)) must name each order once, at least one")
        }
        guard (1...DecodeLimits.maxGenerationLength).contains(run.generationLength) else {
            throw invalid("run.generation_length \(run.generationLength) is outside 1…\(DecodeLimits.maxGenerationLength)")
        }
        let (perTask, _) = n.multipliedReportingOverflow(by: run.orders.count)
        let (total, overflow) = perTask.multipliedReportingOverflow(by: run.tasks.ids.count)
        guard !run.tasks.ids.isEmpty, !overflow, total <= PassKConfig.maxSamples else {
            throw invalid("run.tasks.ids (\(run.tasks.ids.count)) × orders (\(run.orders.count)) × n (\(n)) must be 1…\(PassKConfig.maxSamples) samples")
        }
        guard Set(run.tasks.ids).count == run.tasks.ids.count else { throw invalid("run.tasks.ids repeat a task id") }
        // A k above n is kept (the report leaves it out), but every k is a sample count.
        if let bad = k.first(where: { !(1...PassKConfig.maxSamplesPerTask).contains($0) }) {
            throw invalid("k \(bad) is outside 1…\(PassKConfig.maxSamplesPerTask)")
        }
        guard k.count <= PassKConfig.maxSamplesPerTask else { throw invalid("k lists \(k.count) values, more than \(PassKConfig.maxSamplesPerTask)") }
        if let shards {
            guard (1...PassKConfig.maxShards).contains(shards.count), shards.indices.count <= shards.count else {
                throw invalid("shards.count \(shards.count) is outside 1…\(PassKConfig.maxShards)")
            }
        }
        guard samples.count <= total else { throw invalid("samples holds \(samples.count) entries for \(total) planned samples") }
    }

    struct Run: Codable {
        var model: TranscriptLine.Model
        var tasks: Tasks
        var checker: AnswerChecker
        var chat: Bool
        var n: Int
        var orders: [DecodeOrder]
        var generationLength: Int
        var settings: Settings

        enum CodingKeys: String, CodingKey {
            case model, tasks, checker, chat, n, orders, settings
            case generationLength = "generation_length"
        }
    }

    struct Tasks: Codable {
        var file: String
        var fingerprint: String
        var ids: [String]
    }

    struct Settings: Codable {
        var blockLength: Int?
        var parallelism: TranscriptLine.Parallelism
        var temperature: Double
        var seed: String
        var cfgScale: Float
        var suppressEOS: Bool
        var deferEndOfText: Bool

        enum CodingKeys: String, CodingKey {
            case parallelism, temperature, seed
            case blockLength = "block_length"
            case cfgScale = "cfg_scale"
            case suppressEOS = "suppress_eos"
            case deferEndOfText = "defer_end_of_text"
        }
    }

    struct Shards: Codable {
        var count: Int
        var indices: [Int]
    }

    struct Sample: Codable {
        var task: String
        var order: DecodeOrder
        var sample: Int
        var seed: String
        var correct: Bool
        var extracted: String?
        var text: String
        var steps: Int
        var forwardPasses: Int
        var decodeMillis: Double

        /// The first field outside what a decode of `generationLength` positions can report.
        func problem(generationLength: Int) -> String? {
            if !(1...generationLength).contains(steps) { return "steps \(steps) is outside 1…\(generationLength)" }
            let maxPasses = steps * DecodeLimits.maxForwardPassesPerStep
            if !(steps...maxPasses).contains(forwardPasses) { return "forward_passes \(forwardPasses) is outside \(steps)…\(maxPasses)" }
            if !(decodeMillis.isFinite && decodeMillis >= 0) { return "decode_ms \(decodeMillis) must be a finite number ≥ 0" }
            return nil
        }

        enum CodingKeys: String, CodingKey {
            case task, order, sample, seed, correct, extracted, text, steps
            case forwardPasses = "forward_passes"
            case decodeMillis = "decode_ms"
        }
    }
}
