import Models

/// Runs the samples a results file still lacks, one at a time (or `batch` at a time), so a run that stops (or is
/// stopped) resumes where it left off.
public struct PassKRun: Sendable {
    public let decoder: TaskDecoder
    /// The run's tasks by id (every id of the configuration's task set).
    public let tasks: [String: EvalTask]
    /// Samples decoded together (one batched request per step on a remote model).
    public let batch: Int

    public init(decoder: TaskDecoder, tasks: [EvalTask], batch: Int = 1) {
        self.decoder = decoder
        self.batch = max(1, batch)
        self.tasks = Dictionary(tasks.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Decodes every pending sample of `results` in canonical order, recording each before
    /// `onSample` sees it (so the caller may save, report progress, or throw to stop early).
    public func run(_ results: inout PassKResults, onSample: (PassKProgress) throws -> Void = { _ in }) throws {
        let pending = results.pendingKeys
        var done = 0
        for start in stride(from: 0, to: pending.count, by: batch) {
            let keys = Array(pending[start..<min(start + batch, pending.count)])
            let items = try keys.map { key in
                guard let task = tasks[key.taskId] else { throw PassKRunError.unknownTask(key.taskId) }
                return (task: task, settings: results.config.settings(for: key))
            }
            for (key, (item, outcome)) in zip(keys, zip(items, try decoder.decode(items))) {
                done += 1
                try record(key: key, settings: item.settings, outcome: outcome, done: done, of: pending.count,
                           in: &results, onSample: onSample)
            }
        }
    }

    private func record(key: SampleKey, settings: DecodeSettings, outcome: TaskOutcome, done: Int, of total: Int,
                        in results: inout PassKResults, onSample: (PassKProgress) throws -> Void) throws {
        let sample = SampleResult(key: key, seed: settings.seed, correct: outcome.check.correct,
                                  extracted: outcome.check.extracted, text: outcome.summary.text ?? "",
                                  steps: outcome.summary.steps, forwardPasses: outcome.summary.forwardPasses,
                                  decodeMillis: outcome.summary.decodeMillis)
        results.record(sample)
        try onSample(PassKProgress(results: results, sample: sample, outcome: outcome, done: done, total: total))
    }
}

/// What a run reports after each sample.
public struct PassKProgress {
    /// Everything recorded so far, this sample included (what a caller saves).
    public var results: PassKResults
    public var sample: SampleResult
    public var outcome: TaskOutcome
    /// Samples decoded in this call, and how many it set out to decode.
    public var done: Int
    public var total: Int
}

public enum PassKRunError: Error, CustomStringConvertible, Equatable {
    case unknownTask(String)

    /// Values read from files are escaped and the message cut (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case let .unknownTask(id):
            return "the results file plans task \"\(id)\", which the task file lacks; give the task file the run was started with"
        }
    }
}
