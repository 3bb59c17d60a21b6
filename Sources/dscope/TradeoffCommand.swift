import ArgumentParser
import Decoder
import Foundation
import TUI

struct TradeoffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradeoff",
        abstract: "Accuracy against forward passes per token while sweeping a parallel-decoding rule.",
        discussion: """
        Decodes every task once per value of --rule (eb: EB-sampler entropy bound γ; k: tokens per step; \
        threshold: Fast-dLLM confidence threshold τ) with the other decode options fixed, and prints \
        accuracy, forward passes per generated token and tokens per forward for each value, as a table \
        and a plot. Temperature defaults to 0 (greedy), so one decode per task and value suffices.
        """
    )

    @OptionGroup var taskOptions: TaskOptions
    @OptionGroup var model: ModelOptions
    @Option(help: "The rule to sweep: eb, k or threshold.") var rule: String
    @Option(help: "Comma-separated values of the rule, e.g. 0,0.1,0.5,1,2 for eb or 1,2,3,4,5 for k.") var values: String
    @OptionGroup var options: DecodeOptions
    @Flag(help: "Print the points as JSON (one object: the sweep and a point per value) instead of the table and plot.")
    var json = false
    @Flag(help: "Print the points as CSV, one row per value.") var csv = false
    @Option(help: "Tasks decoded together; with --model http://… each step of all of them is one request (one GPU batch).")
    var batch = 1

    func validate() throws {
        let given = [("--steps", options.steps != nil), ("--threshold", options.threshold != nil),
                     ("--factor", options.factor != nil), ("--eb", options.eb != nil)].filter(\.1).map(\.0)
        guard given.isEmpty else { throw TradeoffCommandError.ruleGiven(given) }
        if json && csv { throw ValidationError("--json and --csv: give one") }
    }

    func run() throws {
        guard let sweptRule = TradeoffRule(rawValue: rule) else { throw TradeoffCommandError.unknownRule(rule) }
        let swept = try Self.parseValues(values)
        let measured = try model.load()
        let (_, tasks) = try taskOptions.load(for: measured.location)
        let generationLength = try options.generationLength(defaults: measured.location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength)
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        let sweep = try TradeoffRun(decoder: try measured.taskDecoder(checker: taskOptions.checker, generationLength: generationLength,
                                                                  chat: taskOptions.chat),
                                    settings: settings, rule: sweptRule, values: swept)
        let progress = ProgressLine(total: tasks.count * swept.count)
        var done = 0
        let points = try sweep.run(tasks, batch: batch) { value, _ in
            done += 1
            progress.update(done: done, detail: "\(rule) \(value)")
        }
        progress.finish()
        if json { return print(try Self.json(points, rule: rule, settings: settings, tasks: tasks.count, generationLength: generationLength)) }
        if csv { return print(Self.csv(points), terminator: "") }
        let name = ["eb": "eb γ", "k": "k", "threshold": "threshold τ"][rule] ?? rule
        print("\(settings.order.rawValue) order, \(tasks.count) tasks, \(generationLength) positions, temperature \(String(format: "%g", settings.temperature))\n")
        print(TradeoffText(points: points, valueName: name).text(width: stdoutColumns()), terminator: "")
    }

    static let columns = ["value", "tasks", "correct", "accuracy", "forward_passes", "positions", "forward_passes_per_token",
                          "tokens_per_forward", "decode_ms"]

    private static func fields(_ point: TradeoffPoint) -> [Double] {
        [point.value, Double(point.tasks), Double(point.correct), point.accuracy, Double(point.forwardPasses),
         Double(point.positions), point.forwardPassesPerToken, point.tokensPerForward, point.decodeMillis]
    }

    static func csv(_ points: [TradeoffPoint]) -> String {
        let number = { (value: Double) in value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value) }
        return ([columns.joined(separator: ",")] + points.map { fields($0).map(number).joined(separator: ",") })
            .joined(separator: "\n") + "\n"
    }

    static func json(_ points: [TradeoffPoint], rule: String, settings: DecodeSettings, tasks: Int,
                     generationLength: Int) throws -> String {
        let object: [String: Any] = [
            "rule": rule, "order": settings.order.rawValue, "temperature": settings.temperature, "tasks": tasks,
            "generation_length": generationLength,
            "points": points.map { Dictionary(uniqueKeysWithValues: zip(columns, fields($0))) },
        ]
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    static func parseValues(_ list: String) throws -> [Double] {
        let fields = list.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let values = fields.compactMap(Double.init)
        guard !fields.isEmpty, values.count == fields.count, values.allSatisfy(\.isFinite) else {
            throw TradeoffCommandError.badValues(list)
        }
        return values
    }
}

enum TradeoffCommandError: UserFacingError {
    case unknownRule(String)
    case badValues(String)
    case ruleGiven([String])

    var description: String {
        switch self {
        case let .unknownRule(rule):
            return "--rule \(rule): use eb (entropy bound γ), k (tokens per step) or threshold (confidence τ)"
        case let .badValues(list):
            return "--values \(list): give numbers separated by commas, e.g. 0,0.1,0.5,1,2"
        case let .ruleGiven(flags):
            return "\(flags.joined(separator: ", ")): tradeoff sets the parallelism itself from --rule and --values"
        }
    }
}
