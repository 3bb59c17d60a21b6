import Foundation

/// One deterministic slice of a run: task i (in task file order, after --limit) belongs to shard
/// i mod count, with every sample of every order, so each shard's results file is itself a valid
/// smaller run and the shards together cover each (task, order, sample) exactly once.
public struct Shard: Equatable, Sendable {
    /// 0-based.
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard (1...PassKConfig.maxShards).contains(count), (0..<count).contains(index) else {
            throw ShardError.outOfRange(index: index, count: count)
        }
        self.index = index
        self.count = count
    }

    /// "i/n" with 0 ≤ i < n, as `--shard` takes it.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Int(parts[0]), let count = Int(parts[1]) else {
            throw ShardError.syntax(text)
        }
        try self.init(index: index, count: count)
    }

    /// The shard an array job scheduler names, or nil outside one:
    /// Slurm job arrays (`SLURM_ARRAY_TASK_ID`, its `_MIN`, `_STEP` and `SLURM_ARRAY_TASK_COUNT`, so
    /// `--array=1-8` and `--array=0-14:2` both work) or Kubernetes Indexed Jobs
    /// (`JOB_COMPLETION_INDEX`; Kubernetes sets no count, so the Job sets `JOB_COMPLETIONS` to its
    /// `.spec.completions`).
    public static func fromEnvironment(_ environment: [String: String]) throws -> Shard? {
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ShardError.environment(name: name, value: text)
            }
            return value
        }
        if let id = try number("SLURM_ARRAY_TASK_ID") {
            guard let count = try number("SLURM_ARRAY_TASK_COUNT") else {
                throw ShardError.missingCount(index: "SLURM_ARRAY_TASK_ID", count: "SLURM_ARRAY_TASK_COUNT")
            }
            let first = try number("SLURM_ARRAY_TASK_MIN") ?? 0
            let step = max(1, try number("SLURM_ARRAY_TASK_STEP") ?? 1)
            // Environment numbers may be anything: no overflow on the way to the index.
            let (offset, overflow) = id.subtractingReportingOverflow(first)
            guard !overflow else { throw ShardError.environment(name: "SLURM_ARRAY_TASK_ID", value: String(id)) }
            return try Shard(index: offset / step, count: count)
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count = try number("JOB_COMPLETIONS") else {
                throw ShardError.missingCount(index: "JOB_COMPLETION_INDEX", count: "JOB_COMPLETIONS")
            }
            return try Shard(index: index, count: count)
        }
        return nil
    }
}

public enum ShardError: Error, CustomStringConvertible, Equatable {
    case syntax(String)
    case outOfRange(index: Int, count: Int)
    case environment(name: String, value: String)
    case missingCount(index: String, count: String)

    public var description: String {
        switch self {
        case let .syntax(text):
            return "--shard \(text): write INDEX/COUNT with a 0-based index, e.g. 0/8 … 7/8"
        case let .outOfRange(index, count):
            return "shard \(index)/\(count): the count must lie in 1…\(PassKConfig.maxShards) and the index in 0…count − 1"
        case let .environment(name, value):
            return "\(name)=\"\(value)\" is not a whole number; unset it or pass --shard INDEX/COUNT"
        case let .missingCount(index, count):
            return "\(index) is set but \(count) is not; set \(count) to the number of shards or pass --shard INDEX/COUNT"
        }
    }
}
