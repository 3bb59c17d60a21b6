/// What one committed position of a transcript says about order: its entropy at commit (from the
/// forward that committed it) and how it was bypassed (DECODING.md, "Bypass").
///
/// With s(p) the commit step of position p:
/// - it **jumped ahead** when a position to its left was still masked: q < p with s(q) > s(p)
///   (or never decoded). `leftMasked` counts them; `leadSteps` = max s(q) − s(p) over them.
/// - it was **bypassed** when a content position to its right was decoded first: r > p with
///   s(r) < s(p). `bypassedBy` counts them; `delaySteps` = s(p) − min s(r) over them.
/// Positions committed in the same step neither bypass nor jump each other. End-of-text tokens
/// (EOS/EoT, the padding LLaDA fills the tail with and often commits first) do not count as
/// bypassing, or every content token of such a decode would read as bypassed.
public struct CommitFacts: Equatable, Sendable {
    public var position: Int
    public var token: Int
    public var step: Int
    public var entropyNats: Float
    public var confidence: Float
    public var isEndOfText: Bool
    public var leftMasked: Int
    public var leadSteps: Int
    public var bypassedBy: Int
    public var delaySteps: Int

    public var jumpedAhead: Bool { leftMasked > 0 }
    public var bypassed: Bool { bypassedBy > 0 }
}

extension Transcript {
    /// One entry per committed position, left to right.
    public var commitFacts: [CommitFacts] {
        var commits: [Int: (step: Int, commit: Commit)] = [:]
        for record in steps { for commit in record.commits { commits[commit.position] = (record.step, commit) } }
        let length = header.generationLength
        let stepOf = (0..<length).map { commits[$0]?.step }
        let endOfText = (0..<length).map { commits[$0].map { header.vocabulary.isEndOfText($0.commit.token) } ?? false }

        var facts: [CommitFacts] = []
        for p in 0..<length {
            guard let (s, commit) = commits[p] else { continue }
            let left = (0..<p).filter { stepOf[$0].map { $0 > s } ?? true }
            let right = ((p + 1)..<max(p + 1, length)).filter { !endOfText[$0] && (stepOf[$0].map { $0 < s } ?? false) }
            facts.append(CommitFacts(
                position: p, token: commit.token, step: s, entropyNats: commit.entropyNats, confidence: commit.confidence,
                isEndOfText: endOfText[p], leftMasked: left.count,
                leadSteps: left.compactMap { stepOf[$0] }.map { $0 - s }.max() ?? 0,
                bypassedBy: right.count, delaySteps: right.compactMap { stepOf[$0] }.min().map { s - $0 } ?? 0))
        }
        return facts
    }

    /// How the decode is named in reports: its order, then what differs from one token per step
    /// in a single block (e.g. "confidence", "confidence block 32", "confidence eb 0.5").
    public var orderLabel: String {
        let settings = header.settings
        if let block = settings.block { return block.label }
        var label = settings.order.rawValue
        if let block = settings.blockLength, block < header.generationLength { label += " block \(block)" }
        let rule = settings.parallelism
        if !rule.isOneTokenPerStep(generationLength: header.generationLength) { label += " \(rule.flag) \(rule.flagValue)" }
        return label
    }
}
