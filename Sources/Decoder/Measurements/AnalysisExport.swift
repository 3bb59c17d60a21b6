import Foundation

/// Files `dscope analyze` writes: every commit as CSV rows (the raw material of any other
/// statistic) and the analysis as JSON.
public enum AnalysisExport {
    public static let csvColumns = ["transcript", "order", "position", "token", "piece", "step", "entropy_nats",
                                    "confidence", "end_of_text", "left_masked", "lead_steps", "bypassed_by", "delay_steps"]

    /// RFC 4180 CSV with a header row; `transcripts` pairs each transcript with its file name.
    public static func csv(_ transcripts: [(name: String, transcript: Transcript)]) -> String {
        var lines = [csvColumns.joined(separator: ",")]
        for (name, transcript) in transcripts {
            let label = transcript.orderLabel
            for fact in transcript.commitFacts {
                let fields: [String] = [
                    name, label, String(fact.position), String(fact.token), transcript.pieces[fact.token] ?? "",
                    String(fact.step), String(fact.entropyNats), String(fact.confidence), fact.isEndOfText ? "1" : "0",
                    String(fact.leftMasked), String(fact.leadSteps), String(fact.bypassedBy), String(fact.delaySteps),
                ]
                lines.append(fields.map(quoted).joined(separator: ","))
            }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Fields with a comma, quote or line break are quoted, quotes doubled (RFC 4180, 2.6–2.7).
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// `{"groups": [{"label", "order", "decodes", "content_tokens", "mean_entropy_nats", "jumped_ahead",
    /// "mean_lead_steps", "mean_left_masked", "end_of_text_ahead", "bypassed", "mean_delay_steps",
    /// "entropy_histogram": {"edges", "counts"}}], "tokens": [{"label", "rows": [{"token", "piece",
    /// "seen", "bypassed", "bypass_rate", "mean_delay_steps", "mean_entropy_nats", "ar_seen",
    /// "ar_mean_entropy_nats"?}]}]}`
    public static func json(_ analysis: DecodeAnalysis, histogramBins: Int = 10) throws -> Data {
        let upper = analysis.entropyScaleNats
        let groups = analysis.groups.map { group in
            GroupJSON(label: group.label, order: group.order, decodes: group.decodes, contentTokens: group.contentTokens,
                      meanEntropyNats: group.meanEntropyNats, jumpedAhead: group.jumpedAhead,
                      meanLeadSteps: group.meanLeadSteps, meanLeftMasked: group.meanLeftMasked,
                      endOfTextAhead: group.endOfTextAhead, bypassed: group.bypassed,
                      meanDelaySteps: group.meanDelaySteps,
                      entropyHistogram: Histogram(values: group.entropiesNats, lower: 0, upper: upper, binCount: histogramBins))
        }
        let tables = analysis.tokenTables.map { table in
            TableJSON(label: table.label, rows: table.rows.map {
                RowJSON(token: $0.token, piece: $0.piece, seen: $0.seen, bypassed: $0.bypassed, bypassRate: $0.bypassRate,
                        meanDelaySteps: $0.meanDelaySteps, meanEntropyNats: $0.meanEntropyNats, arSeen: $0.arSeen,
                        arMeanEntropyNats: $0.arMeanEntropyNats)
            })
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(AnalysisJSON(groups: groups, tokens: tables))
    }

    private struct AnalysisJSON: Encodable {
        var groups: [GroupJSON]
        var tokens: [TableJSON]
    }

    private struct GroupJSON: Encodable {
        var label: String
        var order: DecodeOrder
        var decodes, contentTokens: Int
        var meanEntropyNats: Double
        var jumpedAhead: Int
        var meanLeadSteps, meanLeftMasked: Double
        var endOfTextAhead, bypassed: Int
        var meanDelaySteps: Double
        var entropyHistogram: Histogram

        enum CodingKeys: String, CodingKey {
            case label, order, decodes, bypassed
            case contentTokens = "content_tokens", meanEntropyNats = "mean_entropy_nats", jumpedAhead = "jumped_ahead"
            case meanLeadSteps = "mean_lead_steps", meanLeftMasked = "mean_left_masked"
            case endOfTextAhead = "end_of_text_ahead", meanDelaySteps = "mean_delay_steps"
            case entropyHistogram = "entropy_histogram"
        }
    }

    private struct TableJSON: Encodable {
        var label: String
        var rows: [RowJSON]
    }

    private struct RowJSON: Encodable {
        var token: Int
        var piece: String
        var seen, bypassed: Int
        var bypassRate, meanDelaySteps, meanEntropyNats: Double
        var arSeen: Int
        var arMeanEntropyNats: Double?

        enum CodingKeys: String, CodingKey {
            case token, piece, seen, bypassed
            case bypassRate = "bypass_rate", meanDelaySteps = "mean_delay_steps", meanEntropyNats = "mean_entropy_nats"
            case arSeen = "ar_seen", arMeanEntropyNats = "ar_mean_entropy_nats"
        }
    }
}

extension Histogram: Encodable {
    enum CodingKeys: String, CodingKey { case edges, counts }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(edges, forKey: .edges)
        try container.encode(counts, forKey: .counts)
    }
}

extension DecodeAnalysis {
    /// The upper end of entropy histograms: the largest content entropy of any group rounded up to
    /// half a nat, so every group is binned on the same scale.
    public var entropyScaleNats: Double {
        let largest = groups.flatMap(\.entropiesNats).max() ?? 0
        return max(0.5, (largest * 2).rounded(.up) / 2)
    }
}
