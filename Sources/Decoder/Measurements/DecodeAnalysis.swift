/// Entropy at commit and bypass statistics of a set of transcripts, grouped by how they were
/// decoded (`Transcript.orderLabel`), and the paper's connective-token table: the tokens most often
/// bypassed under each non-AR decode, with their mean entropy at commit there and under AR.
/// Entropy means and histograms are over content tokens (EOS/EoT padding left out).
public struct DecodeAnalysis: Sendable {
    public struct Group: Equatable, Sendable {
        public var label: String
        public var order: DecodeOrder
        public var decodes: Int
        /// Entropy at commit of every content token, in nats.
        public var entropiesNats: [Double]
        /// Content tokens committed while a position to their left was masked.
        public var jumpedAhead: Int
        public var meanLeadSteps: Double
        public var meanLeftMasked: Double
        /// EOS/EoT committed while a position to their left was masked.
        public var endOfTextAhead: Int
        /// Content tokens committed after a content token to their right.
        public var bypassed: Int
        public var meanDelaySteps: Double

        public var contentTokens: Int { entropiesNats.count }
        public var meanEntropyNats: Double { DecodeAnalysis.mean(entropiesNats) }
    }

    public struct TokenRow: Equatable, Sendable {
        public var token: Int
        public var piece: String
        public var seen: Int
        public var bypassed: Int
        public var meanDelaySteps: Double
        public var meanEntropyNats: Double
        /// Occurrences under AR and their mean entropy at commit; nil mean without AR decodes of it.
        public var arSeen: Int
        public var arMeanEntropyNats: Double?

        public var bypassRate: Double { seen > 0 ? Double(bypassed) / Double(seen) : 0 }
    }

    public struct TokenTable: Equatable, Sendable {
        public var label: String
        public var rows: [TokenRow]
    }

    /// In order of first appearance.
    public var groups: [Group]
    /// One per non-AR group.
    public var tokenTables: [TokenTable]

    public init(transcripts: [Transcript], topTokens: Int = 20) {
        var labels: [String] = []
        var facts: [String: [CommitFacts]] = [:], orders: [String: DecodeOrder] = [:], decodes: [String: Int] = [:]
        var pieces: [Int: String] = [:]
        for transcript in transcripts {
            let label = transcript.orderLabel
            if facts[label] == nil { labels.append(label) }
            facts[label, default: []] += transcript.commitFacts
            orders[label] = transcript.header.settings.order
            decodes[label, default: 0] += 1
            pieces.merge(transcript.pieces) { first, _ in first }
        }
        groups = labels.map { label in
            let all = facts[label] ?? [], content = all.filter { !$0.isEndOfText }
            let jumped = content.filter(\.jumpedAhead), bypassed = content.filter(\.bypassed)
            return Group(label: label, order: orders[label]!, decodes: decodes[label] ?? 0,
                         entropiesNats: content.map { Double($0.entropyNats) }, jumpedAhead: jumped.count,
                         meanLeadSteps: Self.mean(jumped.map { Double($0.leadSteps) }),
                         meanLeftMasked: Self.mean(jumped.map { Double($0.leftMasked) }),
                         endOfTextAhead: all.filter { $0.isEndOfText && $0.jumpedAhead }.count,
                         bypassed: bypassed.count, meanDelaySteps: Self.mean(bypassed.map { Double($0.delaySteps) }))
        }
        let arContent = labels.filter { orders[$0] == .ar }.flatMap { facts[$0] ?? [] }.filter { !$0.isEndOfText }
        let arByToken = Dictionary(grouping: arContent, by: \.token)
        tokenTables = labels.filter { orders[$0] != .ar }.map { label in
            let byToken = Dictionary(grouping: (facts[label] ?? []).filter { !$0.isEndOfText }, by: \.token)
            let rows = byToken.map { token, seen -> TokenRow in
                let bypassed = seen.filter(\.bypassed), ar = arByToken[token] ?? []
                return TokenRow(token: token, piece: pieces[token] ?? "⟨\(token)⟩", seen: seen.count, bypassed: bypassed.count,
                                meanDelaySteps: Self.mean(bypassed.map { Double($0.delaySteps) }),
                                meanEntropyNats: Self.mean(seen.map { Double($0.entropyNats) }),
                                arSeen: ar.count, arMeanEntropyNats: ar.isEmpty ? nil : Self.mean(ar.map { Double($0.entropyNats) }))
            }
            let ranked = rows.filter { $0.bypassed > 0 }.sorted {
                ($0.bypassed, $0.seen, -$0.token) > ($1.bypassed, $1.seen, -$1.token)
            }
            return TokenTable(label: label, rows: Array(ranked.prefix(topTokens)))
        }
    }

    static func mean(_ values: [Double]) -> Double {
        values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
    }
}

/// Counts of values in equal-width bins over [lower, upper); values outside land in the end bins,
/// NaN in none.
public struct Histogram: Equatable, Sendable {
    public var lower: Double
    public var binWidth: Double
    public var counts: [Int]

    public init(values: [Double], lower: Double, upper: Double, binCount: Int) {
        precondition(binCount >= 1 && upper > lower, "a histogram needs bins over a non-empty range")
        self.lower = lower
        binWidth = (upper - lower) / Double(binCount)
        counts = Array(repeating: 0, count: binCount)
        for value in values where !value.isNaN {
            // Clamped as a Double first: Int(_:) traps on ±∞ and on values beyond Int's range.
            let bin = ((value - lower) / binWidth).rounded(.down)
            counts[Int(min(Double(binCount - 1), max(0, bin)))] += 1
        }
    }

    public var edges: [Double] { (0...counts.count).map { lower + Double($0) * binWidth } }
}
