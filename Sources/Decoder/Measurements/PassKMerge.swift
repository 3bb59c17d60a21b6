import Models

extension PassKResults {
    /// Combines the results files of one experiment (shards, or partial runs of it) into one. When
    /// the parts cover every shard the result names no shards, exactly like a single run's file.
    /// A sample present in several parts must have the same outcome in each.
    public static func merge(_ parts: [(path: String, results: PassKResults)]) throws -> PassKResults {
        guard let (firstPath, first) = parts.first else { throw PassKMergeError.nothingToMerge }
        var count: Int?
        var indices = Set<Int>()
        var wholeRun = false
        for (path, part) in parts {
            if let field = first.config.mismatch(with: part.config) {
                throw PassKMergeError.differentRuns(first: firstPath, other: path, field: field)
            }
            guard let shards = part.shards else { wholeRun = true; continue }
            if let count, count != shards.count {
                throw PassKMergeError.shardCounts(first: firstPath, other: path, counts: [count, shards.count])
            }
            count = shards.count
            indices.formUnion(shards.indices)
        }
        var shards: ShardSet?
        if let count, !wholeRun, indices.count < count { shards = ShardSet(count: count, indices: indices) }

        var merged = PassKResults(tool: first.tool, config: first.config, shards: shards, ks: first.ks)
        var source: [SampleKey: (path: String, sample: SampleResult)] = [:]
        for (path, part) in parts {
            for sample in part.samples {
                if let earlier = source[sample.key] {
                    guard earlier.sample.sameOutcome(as: sample) else {
                        throw PassKMergeError.conflictingSample(sample.key, first: earlier.path, other: path)
                    }
                    continue
                }
                source[sample.key] = (path, sample)
                merged.record(sample)
            }
        }
        return merged
    }
}

public enum PassKMergeError: Error, CustomStringConvertible, Equatable {
    case nothingToMerge
    case differentRuns(first: String, other: String, field: String)
    case shardCounts(first: String, other: String, counts: [Int])
    case conflictingSample(SampleKey, first: String, other: String)

    /// Values read from files are escaped and the message cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case .nothingToMerge:
            return "give the results files to merge, e.g. dscope passk merge results-*.json --out merged.json"
        case let .differentRuns(first, other, field):
            return "\(other) and \(first) differ in \(field): they are different experiments and cannot be merged"
        case let .shardCounts(first, other, counts):
            return "\(other) and \(first) were split into \(counts[1]) and \(counts[0]) shards; merge shards of one --shard I/N split"
        case let .conflictingSample(key, first, other):
            return "\(other) and \(first) disagree on sample \(key.sample) of task \(key.taskId) (\(key.order.rawValue)); "
                + "the same seed must give the same decode — were they made with different models or dscope versions?"
        }
    }
}
