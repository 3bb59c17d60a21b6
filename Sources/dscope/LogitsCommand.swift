import ArgumentParser
import Foundation
import Models

struct LogitsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logits",
        abstract: "Write the logits of one full-canvas forward as a float32 .npy file.",
        discussion: """
        Runs the model once on exactly the given ids (no prompt template, no masks added) and \
        writes every row of logits, [ids × logit columns], as NumPy .npy v1.0: the check of dscope \
        against any other implementation (np.load the file). Rows are the model's own: a model \
        with shifted logits (Dream) keeps its prediction for position i in row i − 1.
        """
    )

    @OptionGroup var model: ModelOptions

    @Option(help: "The canvas: token ids separated by commas, e.g. 1,2,3.")
    var ids: String

    @Option(help: "The .npy file to write.")
    var out: String

    func run() throws {
        let canvas = try Self.parse(ids)
        let loaded = try model.location().model(threads: model.threads, quantizingTo: model.weights)
        let logits = try loaded.logits(tokens: canvas, positions: Array(canvas.indices))
        try NPYMatrix(rows: logits.rows, columns: logits.columns, values: logits.values).write(to: out)
        print("\(out): \(logits.rows) × \(logits.columns) float32 logits")
    }

    static func parse(_ list: String) throws -> [Int] {
        let fields = list.split(separator: ",", omittingEmptySubsequences: false)
        let ids = fields.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !fields.isEmpty, ids.count == fields.count, ids.allSatisfy({ $0 >= 0 }) else {
            throw LogitsCommandError.badIds(list)
        }
        return ids
    }
}

enum LogitsCommandError: UserFacingError {
    case badIds(String)

    var description: String {
        switch self {
        case let .badIds(list):
            "--ids \"\(list)\": give non-negative integers separated by commas, e.g. 1,2,3"
        }
    }
}
