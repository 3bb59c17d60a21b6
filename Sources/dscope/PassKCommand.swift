import ArgumentParser
import Decoder
import Foundation
import Models
import TUI

struct PassKCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passk",
        abstract: "Measure pass@k per decoding order on a task file (resumable, shardable).",
        subcommands: [PassKRunCommand.self, PassKMergeCommand.self],
        defaultSubcommand: PassKRunCommand.self
    )
}

struct PassKRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Decode n samples per task and order, then print pass@k with 95% bootstrap intervals and a plot.",
        discussion: """
        Each sample's seed comes from (--seed, task id, sample index), so any sample re-runs alone with \
        dscope decode --seed. Re-running with the same --out skips the samples it already holds. \
        --shard I/N (or a Slurm array / Kubernetes Indexed Job, see docs/measurements.md) runs every \
        N-th task; dscope passk merge combines the shard files into the result of one run.
        """
    )

    @OptionGroup var taskOptions: TaskOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "Comma-separated decoding orders to compare (confidence, margin, entropy, random, ar, origin).")
    var orders = "ar,confidence"
    @Option(help: "Samples per task and order.") var n = 16
    @Option(help: "Samples decoded together; with --model http://… each step of all of them is one request (one GPU batch).")
    var batch = 1
    @Option(help: "Comma-separated k of the report, each at most --n (default: the powers of two up to n, and n).")
    var k: String?
    @OptionGroup var options: DecodeOptions
    @Option(help: "The results file; an existing one is resumed.") var out: String
    @Option(name: .customLong("keep-transcripts"), help: "Write each sample's transcript to DIR (input of dscope analyze).")
    var keepTranscripts: String?
    @Option(help: "Run shard INDEX/COUNT (0-based) of the tasks; default from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX.")
    var shard: String?

    func validate() throws {
        try FlagBounds.check("--n", n, 1...PassKConfig.maxSamplesPerTask)
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        if options.order != nil { throw PassKCommandError.singleOrder }
    }

    func run() throws {
        let measured = try model.load()
        let (path, tasks) = try taskOptions.load(for: measured.location)
        let generationLength = try options.generationLength(defaults: measured.location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength, defaultTemperature: 1)
        let ks = try k.map { try Self.parseKs($0, n: n) } ?? Self.defaultKs(n: n)
        let config = PassKConfig(model: measured.identity, tasks: TaskSet(file: path, tasks: tasks),
                                 checker: taskOptions.checker, chat: taskOptions.chat, samplesPerTask: n,
                                 orders: try Self.parseOrders(orders), generationLength: generationLength, settings: settings)
        let shards = try (shard.map(Shard.init(parsing:)) ?? Shard.fromEnvironment(ProcessInfo.processInfo.environment)).map(ShardSet.init)
        var results = try resumedOrNew(config: config, tasks: tasks, shards: shards, ks: ks)
        if settings.temperature == 0 && n > 1 {
            fprint("note: temperature 0 decodes greedily, so the \(n) samples of a task are identical")
        }
        if let keepTranscripts {
            try FileManager.default.createDirectory(atPath: keepTranscripts, withIntermediateDirectories: true)
        }

        let progress = ProgressLine(total: results.pendingKeys.count)
        var lastSave = Date()
        do {
            try PassKRun(decoder: try measured.taskDecoder(checker: taskOptions.checker, generationLength: generationLength,
                                                       chat: taskOptions.chat), tasks: tasks, batch: batch)
                .run(&results) { step in
                    if let keepTranscripts { try keep(step.outcome, sample: step.sample, in: keepTranscripts, model: measured) }
                    // Saving every sample would rewrite a growing file thousands of times; a kill loses ≤ 10 s.
                    if Date().timeIntervalSince(lastSave) >= 10 {
                        try step.results.write(to: out)
                        lastSave = Date()
                    }
                    let key = step.sample.key
                    progress.update(done: step.done, detail: "\(key.order.rawValue) \(key.taskId) #\(key.sample)")
                }
        } catch {
            progress.finish()
            try? results.write(to: out)
            throw error
        }
        progress.finish()
        try results.write(to: out)
        print(PassKReportText(report: PassKReport(results: results)).text(width: stdoutColumns()), terminator: "")
        print("results: \(out)" + (results.shards.map { " (shards \($0.indices.sorted().map(String.init).joined(separator: ","))/\($0.count))" } ?? ""))
    }

    /// An existing file resumes, or grows when this run only adds tasks (a longer --limit) or
    /// samples (a larger --n) to it.
    private func resumedOrNew(config: PassKConfig, tasks: [EvalTask], shards: ShardSet?, ks: [Int]) throws -> PassKResults {
        guard FileManager.default.fileExists(atPath: out) else {
            return PassKResults(tool: "dscope \(DScopeVersion.string)", config: config, shards: shards, ks: ks)
        }
        var results = try PassKResults(contentsOf: out)
        guard results.shards == shards else { throw PassKCommandError.otherShard(path: out) }
        if let field = results.config.mismatch(with: config) {
            let earlier = results.config
            let prefix = TaskSet(file: config.tasks.file, tasks: Array(tasks.prefix(earlier.tasks.ids.count)))
            guard config.grows(earlier, prefixFingerprint: prefix.fingerprint) else {
                throw PassKCommandError.otherExperiment(path: out, field: field)
            }
            results.config = config
            fprint("growing \(out): \(earlier.tasks.ids.count) → \(config.tasks.ids.count) tasks, n \(earlier.samplesPerTask) → \(config.samplesPerTask)")
        }
        results.ks = ks
        fprint("resuming \(out): \(results.samples.count) samples done, \(results.pendingKeys.count) to go")
        return results
    }

    private func keep(_ outcome: TaskOutcome, sample: SampleResult, in folder: String, model: LoadedModel) throws {
        let key = sample.key
        let name = "\(key.taskId).\(key.order.rawValue).\(key.sample).jsonl"
            .map { $0 == "/" || $0 == "\\" || $0 == ":" ? "_" : $0 }
        let path = (folder as NSString).appendingPathComponent(String(name))
        let transcript = Transcript(session: outcome.session, model: model.identity, tool: "dscope \(DScopeVersion.string)",
                                    promptText: outcome.task.prompt, tokenText: model.tokenText)
        do { try transcript.write(to: URL(fileURLWithPath: path)) } catch {
            throw DecodeCommandError.transcriptNotWritten(path: path, reason: error.localizedDescription)
        }
    }

    static func parseOrders(_ list: String) throws -> [DecodeOrder] {
        var orders: [DecodeOrder] = []
        for name in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let order = DecodeOrder(rawValue: name) else { throw DecodeCommandError.unknownOrder(name) }
            if !orders.contains(order) { orders.append(order) }
        }
        guard !orders.isEmpty else { throw PassKCommandError.noOrders }
        return orders
    }

    /// 1, 2, 4, … up to n, and n itself.
    static func defaultKs(n: Int) -> [Int] {
        Array(Set(sequence(first: 1) { $0 * 2 }.prefix { $0 <= n } + [n])).sorted()
    }

    static func parseKs(_ list: String, n: Int) throws -> [Int] {
        let fields = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let ks = fields.compactMap(Int.init)
        guard !fields.isEmpty, ks.count == fields.count, ks.allSatisfy({ (1...n).contains($0) }) else {
            throw PassKCommandError.badKs(list, n: n)
        }
        return Array(Set(ks)).sorted()
    }
}

struct PassKMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine results files of one experiment (e.g. its shards) into one, and print its report."
    )

    @Argument(help: "Results files written by dscope passk --out.") var files: [String]
    @Option(help: "The merged results file.") var out: String

    func run() throws {
        let parts = try files.map { (path: $0, results: try PassKResults(contentsOf: $0)) }
        let merged = try PassKResults.merge(parts)
        try merged.write(to: out)
        print(PassKReportText(report: PassKReport(results: merged)).text(width: stdoutColumns()), terminator: "")
        let pending = merged.pendingKeys.count
        print("merged \(files.count) files into \(out)" + (pending > 0 ? "; \(pending) samples still missing" : ""))
    }
}

enum PassKCommandError: UserFacingError {
    case otherExperiment(path: String, field: String)
    case otherShard(path: String)
    case noOrders
    case badKs(String, n: Int)
    case singleOrder

    var description: String {
        switch self {
        case let .otherExperiment(path, field):
            return "\(path) holds another experiment (its \(field) setting is not this run's); give a new --out, or the flags that made it to resume (a larger --n or --limit grows it)"
        case let .otherShard(path):
            return "\(path) holds another shard of the run; give each shard its own --out (e.g. results-$SLURM_ARRAY_TASK_ID.json)"
        case .noOrders:
            return "--orders: name at least one order, e.g. --orders ar,confidence"
        case let .badKs(list, n):
            return "--k \(list): give whole numbers from 1 to n = \(n) separated by commas, e.g. 1,2,4"
        case .singleOrder:
            return "passk compares orders: give them with --orders ar,confidence, not --order"
        }
    }
}
