import Decoder
import Models

/// A pass@k report as the terminal shows it: estimates with their 95% intervals per k and order,
/// what each order solves, and the curves as a line plot over k.
public struct PassKReportText: Sendable {
    public var report: PassKReport

    public init(report: PassKReport) { self.report = report }

    public func text(width: Int) -> String {
        var sections: [String] = []
        let incomplete = report.plannedTasks - report.completeTasks
        sections.append("pass@k over \(report.completeTasks) tasks × \(report.samplesPerTask) samples per order"
            + (incomplete > 0 ? " (\(incomplete) of \(report.plannedTasks) tasks not finished yet, left out)" : ""))
        guard report.completeTasks > 0, let first = report.curves.first else { return sections[0] + "\n" }

        let estimates = TextTable(
            columns: [.init("k")] + report.curves.map { .init("\($0.order.rawValue) [95% CI]", .left) },
            rows: first.points.indices.map { index in
                [String(first.points[index].k)] + report.curves.map { curve in
                    let point = curve.points[index]
                    return "\(point.estimate.fixed(3)) [\(point.interval.lowerBound.fixed(3)), \(point.interval.upperBound.fixed(3))]"
                }
            })
        sections.append(estimates.lines().joined(separator: "\n"))

        let solved = TextTable(
            columns: [.init("order", .left), .init("accuracy"), .init("solved"), .init("solved by no other order", .left)],
            rows: report.curves.map { curve in
                let only = curve.solvedOnlyHere
                // Task ids come from the task and results files.
                let listed = only.prefix(4).map { $0.terminalSafe(limit: 40) }.joined(separator: ", ")
                    + (only.count > 4 ? ", …" : "")
                return [curve.order.rawValue, curve.accuracy.fixed(3), "\(curve.solvedTasks)/\(report.completeTasks)",
                        only.isEmpty ? "0" : "\(only.count): \(listed)"]
            })
        sections.append(solved.lines().joined(separator: "\n"))

        let ks = first.points.map { Double($0.k) }
        let plot = LinePlot(
            series: report.curves.enumerated().map { index, curve in
                .init(label: curve.order.rawValue, points: curve.points.map { (Double($0.k), $0.estimate) },
                      marker: LinePlot.markers[index % LinePlot.markers.count])
            },
            xScale: ks.allSatisfy { $0 > 0 } && (ks.max() ?? 1) / (ks.min() ?? 1) >= 4 ? .log2 : .linear,
            xLabel: "k", xTicks: ks, yRange: 0...1)
        sections.append("pass@k\n" + plot.text(width: min(width, 72)))
        return sections.joined(separator: "\n\n") + "\n"
    }
}
