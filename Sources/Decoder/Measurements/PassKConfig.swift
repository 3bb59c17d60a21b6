import Models
import Foundation

/// What a pass@k run measures. Results files resume and merge only when their configurations
/// agree on everything that changes a sample (`mismatch(with:)`).
public struct PassKConfig: Equatable, Sendable {
    public var model: ModelIdentity
    public var tasks: TaskSet
    public var checker: AnswerChecker
    /// The prompt went through the model's chat template.
    public var chat: Bool
    /// n: samples per task and order.
    public var samplesPerTask: Int
    public var orders: [DecodeOrder]
    public var generationLength: Int
    public var blockLength: Int?
    public var parallelism: ParallelismRule
    public var temperature: Double
    /// The base of every sample's seed (SampleSeed).
    public var seed: UInt64
    public var cfgScale: Float
    public var suppressEOS: Bool
    public var deferEndOfText: Bool

    /// Bounds of a run (docs/robustness.md, "Bounds"), checked on the --n flag and on every
    /// results file before its samples are planned.
    public static let maxSamplesPerTask = 10_000
    /// Samples of a whole run: tasks × orders × n.
    public static let maxSamples = 10_000_000
    public static let maxShards = 100_000

    public init(model: ModelIdentity, tasks: TaskSet, checker: AnswerChecker, chat: Bool, samplesPerTask: Int,
                orders: [DecodeOrder], generationLength: Int, settings: DecodeSettings) {
        self.model = model
        self.tasks = tasks
        self.checker = checker
        self.chat = chat
        self.samplesPerTask = samplesPerTask
        self.orders = orders
        self.generationLength = generationLength
        blockLength = settings.blockLength
        parallelism = settings.parallelism
        temperature = settings.temperature
        seed = settings.seed
        cfgScale = settings.cfgScale
        suppressEOS = settings.suppressEOS
        deferEndOfText = settings.deferEndOfText
    }

    /// The settings of one sample: the run's, with the sample's order and seed.
    public func settings(for key: SampleKey) -> DecodeSettings {
        DecodeSettings(order: key.order, blockLength: blockLength, parallelism: parallelism, temperature: temperature,
                       seed: SampleSeed.seed(base: seed, taskId: key.taskId, sample: key.sample),
                       cfgScale: cfgScale, suppressEOS: suppressEOS, deferEndOfText: deferEndOfText)
    }

    /// Every sample of the run in canonical order (task file order, then order, then sample index),
    /// restricted to `shards` when given.
    public func keys(shards: ShardSet? = nil) -> [SampleKey] {
        tasks.ids.enumerated().flatMap { taskIndex, id -> [SampleKey] in
            guard shards?.owns(taskIndex: taskIndex) ?? true else { return [] }
            return orders.flatMap { order in
                (0..<samplesPerTask).map { SampleKey(taskId: id, order: order, sample: $0) }
            }
        }
    }

    /// The first field that differs in a way that changes samples, or nil when the two runs are the
    /// same experiment. The model's name and the task file's path may differ (another machine's
    /// paths); the configuration hash and the tasks' fingerprint may not.
    public func mismatch(with other: PassKConfig) -> String? {
        let fields: [(String, Bool)] = [
            ("model config hash", model.configHash == other.model.configHash),
            ("tasks", tasks.fingerprint == other.tasks.fingerprint && tasks.ids == other.tasks.ids),
            ("checker", checker == other.checker), ("chat", chat == other.chat),
            ("n", samplesPerTask == other.samplesPerTask), ("orders", orders == other.orders),
            ("generation length", generationLength == other.generationLength),
            ("block length", blockLength == other.blockLength), ("parallelism", parallelism == other.parallelism),
            ("temperature", temperature == other.temperature), ("seed", seed == other.seed),
            ("cfg scale", cfgScale == other.cfgScale), ("suppress EOS", suppressEOS == other.suppressEOS),
            ("defer end of text", deferEndOfText == other.deferEndOfText),
        ]
        return fields.first { !$0.1 }?.0
    }

    /// Whether this run grows `earlier` without changing a sample it holds: the same settings,
    /// at least as many samples per task, and its tasks a prefix of these (`prefixFingerprint` is
    /// the fingerprint of this run's first `earlier.tasks.ids.count` tasks). A sample's seed
    /// depends only on its task and index (SampleSeed), so the samples already drawn stay valid.
    public func grows(_ earlier: PassKConfig, prefixFingerprint: String) -> Bool {
        var same = self
        same.samplesPerTask = earlier.samplesPerTask
        same.tasks = earlier.tasks
        return same.mismatch(with: earlier) == nil && samplesPerTask >= earlier.samplesPerTask
            && Array(tasks.ids.prefix(earlier.tasks.ids.count)) == earlier.tasks.ids
            && prefixFingerprint == earlier.tasks.fingerprint
    }
}

/// The tasks of a run: their ids in order and a fingerprint of their contents.
public struct TaskSet: Equatable, Sendable {
    /// Where they were read from (informational).
    public var file: String
    public var ids: [String]
    /// "fnv1a64:…" of every task's id, prompt and answer, NUL-separated, in order.
    public var fingerprint: String

    public init(file: String, ids: [String], fingerprint: String) {
        self.file = file
        self.ids = ids
        self.fingerprint = fingerprint
    }

    public init(file: String, tasks: [EvalTask]) {
        let bytes = tasks.flatMap { Array("\($0.id)\u{0}\($0.prompt)\u{0}\($0.answer)\u{0}".utf8) }
        self.init(file: file, ids: tasks.map(\.id), fingerprint: ModelIdentity.fingerprint(Data(bytes)))
    }
}

/// Names one sample: which task, in which order, which of the n.
public struct SampleKey: Hashable, Sendable {
    public var taskId: String
    public var order: DecodeOrder
    /// 0-based.
    public var sample: Int

    public init(taskId: String, order: DecodeOrder, sample: Int) {
        self.taskId = taskId
        self.order = order
        self.sample = sample
    }
}

/// The shards a results file covers: all of one count, or the whole run when `indices` is full.
public struct ShardSet: Equatable, Sendable {
    public var count: Int
    public var indices: Set<Int>

    public init(_ shard: Shard) {
        count = shard.count
        indices = [shard.index]
    }

    public init(count: Int, indices: Set<Int>) {
        self.count = count
        self.indices = indices
    }

    public func owns(taskIndex: Int) -> Bool { indices.contains(taskIndex % count) }
}
