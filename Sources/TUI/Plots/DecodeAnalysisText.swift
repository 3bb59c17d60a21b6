import Decoder
import Models

/// A transcript analysis as the terminal shows it: entropy at commit and bypass per decode order,
/// an entropy histogram per order on one scale, and (by token) the most-bypassed tokens.
public struct DecodeAnalysisText: Sendable {
    public var analysis: DecodeAnalysis
    public var byToken: Bool
    public var histogramBins: Int

    public init(analysis: DecodeAnalysis, byToken: Bool, histogramBins: Int = 10) {
        self.analysis = analysis
        self.byToken = byToken
        self.histogramBins = histogramBins
    }

    public func text(width: Int) -> String {
        let groups = analysis.groups
        var sections: [String] = []
        let orders = TextTable(
            columns: [.init("order", .left), .init("decodes"), .init("tokens"), .init("mean H"), .init("jumped ahead"),
                      .init("lead steps"), .init("bypassed"), .init("delay steps"), .init("EOS ahead")],
            rows: groups.map { group in
                [group.label, String(group.decodes), String(group.contentTokens), group.meanEntropyNats.fixed(3),
                 Self.share(group.jumpedAhead, of: group.contentTokens), group.jumpedAhead > 0 ? group.meanLeadSteps.fixed(1) : "–",
                 Self.share(group.bypassed, of: group.contentTokens), group.bypassed > 0 ? group.meanDelaySteps.fixed(1) : "–",
                 String(group.endOfTextAhead)]
            })
        sections.append("""
            entropy at commit (nats) and bypass, content tokens (EOS/EoT padding left out)
            \(orders.lines().joined(separator: "\n"))
            jumped ahead: committed while a position to its left was masked (lead: steps until the last of them was decoded)
            bypassed: committed after a content token to its right (delay: steps since the first of them)
            """)

        let scale = analysis.entropyScaleNats
        let histograms = groups.map { Histogram(values: $0.entropiesNats, lower: 0, upper: scale, binCount: histogramBins) }
        let largest = histograms.flatMap(\.counts).max() ?? 1
        for (group, histogram) in zip(groups, histograms) {
            let view = HistogramView(edges: histogram.edges, counts: histogram.counts, scaleCount: largest)
            sections.append("entropy at commit, \(group.label) (\(group.contentTokens) tokens)\n" + view.text(width: min(width, 72)))
        }

        if byToken {
            for table in analysis.tokenTables {
                let rows = table.rows.map { row in
                    [String(reflecting: row.piece).terminalSafe(limit: 40), String(row.seen), String(row.bypassed), Self.share(row.bypassed, of: row.seen),
                     row.meanDelaySteps.fixed(1), row.meanEntropyNats.fixed(3),
                     row.arMeanEntropyNats.map { $0.fixed(3) } ?? "–", String(row.arSeen)]
                }
                let tokens = TextTable(columns: [.init("token", .left), .init("seen"), .init("bypassed"), .init("rate"),
                                                 .init("delay"), .init("H \(table.label)"), .init("H ar"), .init("seen ar")],
                                       rows: rows)
                sections.append("most bypassed tokens under \(table.label), mean entropy at commit there and under ar\n"
                    + (rows.isEmpty ? "(no token was bypassed)" : tokens.lines().joined(separator: "\n")))
            }
        }
        return sections.joined(separator: "\n\n") + "\n"
    }

    /// "34.1%" of a whole, "–" of nothing.
    static func share(_ part: Int, of whole: Int) -> String {
        whole > 0 ? (100 * Double(part) / Double(whole)).fixed(1) + "%" : "–"
    }
}
