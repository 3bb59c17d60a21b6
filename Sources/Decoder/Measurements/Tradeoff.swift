/// The parallelism rule a trade-off sweeps, and how a swept value becomes that rule.
public enum TradeoffRule: String, CaseIterable, Sendable {
    /// EB-sampler entropy bound γ.
    case eb
    /// k tokens per step.
    case k
    /// Fast-dLLM confidence threshold τ.
    case threshold

    public func parallelism(_ value: Double) throws -> ParallelismRule {
        switch self {
        case .eb: return .entropyBound(value)
        case .threshold: return .threshold(value)
        case .k:
            // Bounded before Int(_:), which traps beyond Int's range.
            guard value >= 1, value <= Double(DecodeLimits.maxGenerationLength), value == value.rounded() else {
                throw TradeoffError.fractionalK(value)
            }
            return .perStep(k: Int(value))
        }
    }
}

/// Accuracy and cost of one swept value over the tasks.
public struct TradeoffPoint: Equatable, Sendable {
    public var value: Double
    public var tasks: Int
    public var correct: Int
    public var forwardPasses: Int
    /// Generated positions over all tasks (tasks × generation length).
    public var positions: Int
    public var decodeMillis: Double

    public var accuracy: Double { tasks > 0 ? Double(correct) / Double(tasks) : 0 }
    /// 1 for one token per step; the EB-sampler paper's cost measure.
    public var forwardPassesPerToken: Double { positions > 0 ? Double(forwardPasses) / Double(positions) : 0 }
    public var tokensPerForward: Double { forwardPasses > 0 ? Double(positions) / Double(forwardPasses) : 0 }
}

/// Decodes every task once per swept value with otherwise fixed settings. Sampling seeds (T > 0)
/// are `SampleSeed(base, task id, 0)`, the same for every value.
public struct TradeoffRun: Sendable {
    public let decoder: TaskDecoder
    public let settings: DecodeSettings
    public let rule: TradeoffRule
    public let values: [Double]

    public init(decoder: TaskDecoder, settings: DecodeSettings, rule: TradeoffRule, values: [Double]) throws {
        self.decoder = decoder
        self.settings = settings
        self.rule = rule
        self.values = values
        for value in values {
            var swept = settings
            swept.parallelism = try rule.parallelism(value)
            try swept.validate(generationLength: decoder.generationLength)
        }
    }

    /// `batch` tasks are decoded together (one batched request per step on a remote model).
    public func run(_ tasks: [EvalTask], batch: Int = 1,
                    onTask: (_ value: Double, TaskOutcome) throws -> Void = { _, _ in }) throws -> [TradeoffPoint] {
        try values.map { value in
            var point = TradeoffPoint(value: value, tasks: 0, correct: 0, forwardPasses: 0, positions: 0, decodeMillis: 0)
            var swept = settings
            swept.parallelism = try rule.parallelism(value)
            let items = tasks.map { task in
                var each = swept
                each.seed = SampleSeed.seed(base: settings.seed, taskId: task.id, sample: 0)
                return (task: task, settings: each)
            }
            for start in stride(from: 0, to: items.count, by: max(1, batch)) {
                for outcome in try decoder.decode(Array(items[start..<min(start + max(1, batch), items.count)])) {
                    point.tasks += 1
                    point.correct += outcome.check.correct ? 1 : 0
                    point.forwardPasses += outcome.summary.forwardPasses
                    point.positions += decoder.generationLength
                    point.decodeMillis += outcome.summary.decodeMillis
                    try onTask(value, outcome)
                }
            }
            return point
        }
    }
}

public enum TradeoffError: Error, CustomStringConvertible, Equatable {
    case fractionalK(Double)

    public var description: String {
        switch self {
        case let .fractionalK(value):
            return "--rule k takes whole numbers of tokens per step in 1…\(DecodeLimits.maxGenerationLength), not \(value); e.g. --values 1,2,3,4,5"
        }
    }
}
