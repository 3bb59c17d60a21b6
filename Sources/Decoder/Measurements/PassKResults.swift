/// One decoded sample of a pass@k run.
public struct SampleResult: Equatable, Sendable {
    public var key: SampleKey
    public var seed: UInt64
    public var correct: Bool
    /// What the checker read from the text; nil when it found nothing.
    public var extracted: String?
    public var text: String
    public var steps: Int
    public var forwardPasses: Int
    public var decodeMillis: Double

    public init(key: SampleKey, seed: UInt64, correct: Bool, extracted: String?, text: String, steps: Int,
                forwardPasses: Int, decodeMillis: Double) {
        self.key = key
        self.seed = seed
        self.correct = correct
        self.extracted = extracted
        self.text = text
        self.steps = steps
        self.forwardPasses = forwardPasses
        self.decodeMillis = decodeMillis
    }

    /// Everything but the timing: what two runs of the same sample must agree on.
    public func sameOutcome(as other: SampleResult) -> Bool {
        var timed = other
        timed.decodeMillis = decodeMillis
        return self == timed
    }
}

/// The contents of a results file: the run's configuration, the shards it covers and the samples
/// finished so far, kept in canonical order (SampleKey order of `PassKConfig.keys`).
public struct PassKResults: Equatable, Sendable {
    /// e.g. "dscope 0.1.0".
    public var tool: String
    public var config: PassKConfig
    /// nil: the whole run.
    public var shards: ShardSet?
    /// The k of the report (not part of the experiment: resuming may change them).
    public var ks: [Int]
    public private(set) var samples: [SampleResult] = []

    public init(tool: String, config: PassKConfig, shards: ShardSet?, ks: [Int], samples: [SampleResult] = []) {
        self.tool = tool
        self.config = config
        self.shards = shards
        self.ks = ks
        for sample in samples { record(sample) }
    }

    /// Samples the run (or its shards) still needs, in canonical order.
    public var pendingKeys: [SampleKey] {
        let finished = Set(samples.map(\.key))
        return config.keys(shards: shards).filter { !finished.contains($0) }
    }

    /// Adds or replaces the sample with this key, keeping canonical order.
    public mutating func record(_ sample: SampleResult) {
        let rank = canonicalRank()
        let key = rank(sample.key)
        let index = samples.partitionPoint { !rank($0.key).lexicographicallyPrecedes(key) }
        if index < samples.count, samples[index].key == sample.key {
            samples[index] = sample
        } else {
            samples.insert(sample, at: index)
        }
    }

    /// Orders keys by task file position, then the run's order list, then sample index.
    private func canonicalRank() -> (SampleKey) -> [Int] {
        let taskIndex = Dictionary(config.tasks.ids.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let orderIndex = Dictionary(config.orders.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        return { key in [taskIndex[key.taskId] ?? Int.max, orderIndex[key.order] ?? Int.max, key.sample] }
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for an array partitioned by it.
    fileprivate func partitionPoint(_ belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if belongs(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
