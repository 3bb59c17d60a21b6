import ArgumentParser
import Decoder
import Foundation
import Models

/// `--tasks`, `--limit`, `--checker` and `--chat`: which tasks a measurement decodes and how its
/// answers are checked.
struct TaskOptions: ParsableArguments {
    @Option(help: "A JSON Lines task file, one {\"id\", \"prompt\", \"answer\"} per line (default: the model's bundled heldout.jsonl).")
    var tasks: String?
    @Option(help: "Use only the first N tasks of the file.") var limit: Int?
    @Option(help: "How answers are read: auto (\"answer is N\", else the last \\boxed{}, else \"#### N\"), answer-is, last-number, boxed or exact.")
    var checker: AnswerChecker = .auto
    @Flag(inversion: .prefixedNo, help: "Render each prompt as one user turn of the model's chat template, when it has one.")
    var chat = true

    func validate() throws {
        if let limit, limit < 1 { throw MeasurementError.limit(limit) }
    }

    /// The task file's name (a bundled model's as "tiny-arith/heldout.jsonl") and its first `limit` tasks.
    func load(for location: ModelLocation) throws -> (name: String, tasks: [EvalTask]) {
        guard let path = tasks ?? location.companionFile("heldout.jsonl") else {
            throw MeasurementError.noBundledTasks(folder: location.path)
        }
        let all = try TaskFile.read(path: path)
        let name = tasks ?? (location.name as NSString).appendingPathComponent("heldout.jsonl")
        return (name, Array(all.prefix(limit ?? all.count)))
    }
}

extension AnswerChecker: ExpressibleByArgument {}

enum MeasurementError: UserFacingError {
    case noBundledTasks(folder: String)
    case limit(Int)

    var description: String {
        switch self {
        case let .noBundledTasks(folder):
            return "\(folder): no heldout.jsonl next to the model; give the tasks with --tasks FILE"
        case let .limit(limit):
            return "--limit \(limit): take at least one task"
        }
    }
}

extension TaskFileError: UserFacingError {}
extension ShardError: UserFacingError {}
extension PassKResultsError: UserFacingError {}
extension PassKMergeError: UserFacingError {}
extension PassKRunError: UserFacingError {}
extension TradeoffError: UserFacingError {}
