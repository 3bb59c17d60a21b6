import Decoder

/// A parallel-decoding trade-off as the terminal shows it: accuracy and cost per swept value, and
/// accuracy against tokens per forward pass as a plot.
public struct TradeoffText: Sendable {
    public var points: [TradeoffPoint]
    /// e.g. "eb γ".
    public var valueName: String

    public init(points: [TradeoffPoint], valueName: String) {
        self.points = points
        self.valueName = valueName
    }

    public func text(width: Int) -> String {
        let table = TextTable(
            columns: [.init(valueName), .init("tasks"), .init("accuracy"), .init("forward passes/token"),
                      .init("tokens/forward"), .init("s/task")],
            rows: points.map { point in
                [Self.value(point.value), String(point.tasks), point.accuracy.fixed(3), point.forwardPassesPerToken.fixed(3),
                 point.tokensPerForward.fixed(2), (point.decodeMillis / 1000 / Double(max(1, point.tasks))).fixed(2)]
            })
        let plot = LinePlot(series: [.init(label: "accuracy (\(valueName) = " + points.map { Self.value($0.value) }.joined(separator: ", ") + ")",
                                           points: points.map { ($0.tokensPerForward, $0.accuracy) }, marker: "●")],
                            xLabel: "tokens/forward", yRange: 0...1)
        return table.lines().joined(separator: "\n") + "\n\naccuracy vs tokens per forward pass\n"
            + plot.text(width: min(width, 72)) + "\n"
    }

    /// A swept value as the user typed it: 2, 0.5, 0.05.
    static func value(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
    }
}
