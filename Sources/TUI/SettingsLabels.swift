import Decoder

/// How decode settings read on screen and in exports (the rule's own names are in Decoder,
/// ParallelismRuleNames).
extension DecodeSettings {
    /// The block length, nil when one block spans the whole generation.
    func visibleBlockLength(generationLength: Int) -> Int? {
        blockLength.flatMap { $0 < generationLength ? $0 : nil }
    }

    /// `order ar · block 8 · threshold τ=0.90`, and ` · dual cache` when one is on.
    public func label(generationLength: Int) -> String {
        if let block { return block.label }
        let block = visibleBlockLength(generationLength: generationLength).map(String.init) ?? "all"
        let cacheLabel = cache == .exact ? "" : " · \(cache.rawValue) cache"
        return "order \(order.rawValue) · block \(block) · \(parallelism.ruleName) \(parallelism.valueLabel)\(cacheLabel)"
    }

    /// What changed from `old` to these settings, e.g. `order confidence→ar`.
    func changes(from old: DecodeSettings, generationLength: Int) -> String {
        var parts: [String] = []
        if old.order != order { parts.append("order \(old.order.rawValue)→\(order.rawValue)") }
        let (before, after) = (old.visibleBlockLength(generationLength: generationLength),
                               visibleBlockLength(generationLength: generationLength))
        if before != after { parts.append("block \(before.map(String.init) ?? "all")→\(after.map(String.init) ?? "all")") }
        if old.parallelism != parallelism {
            let from = old.parallelism.ruleName == parallelism.ruleName ? "" : old.parallelism.ruleName + " "
            parts.append("\(from)\(old.parallelism.valueLabel)→\(parallelism.ruleName) \(parallelism.valueLabel)")
        }
        if old.cache != cache { parts.append("cache \(old.cache.rawValue)→\(cache.rawValue)") }
        if old.block != block, let before = old.block, let after = block {
            // A block decode changes only its rule's thresholds: editing, in the scope.
            let (from, to) = (before.editThreshold, after.editThreshold)
            parts.append(from != to ? "editing \(from.map { "\($0)" } ?? "off")→\(to.map { "\($0)" } ?? "off")"
                                    : "rule \(before.label)→\(after.label)")
        }
        return parts.isEmpty ? "settings" : parts.joined(separator: ", ")
    }
}
