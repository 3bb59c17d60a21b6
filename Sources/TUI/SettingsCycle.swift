import Decoder

/// What the settings keys do: `o` cycles the order, `b` the block length, `x` the cache; `p` and
/// `[`/`]` walk the parallelism ladder (Decoder, ParallelismLadder). Each result is valid for the
/// generation length (a schedule's steps stay a multiple of the blocks).
extension DecodeSettings {
    public func nextOrder() -> DecodeSettings {
        var next = self
        // origin flips masks with the timestep schedule's probabilities: offered only under it.
        let all = DecodeOrder.allCases.filter { $0 != .origin || parallelism.isTimesteps }
        next.order = all[((all.firstIndex(of: order) ?? -1) + 1) % all.count]
        return next
    }

    /// exact → prefix → dual → exact.
    public func nextCache() -> DecodeSettings {
        var next = self
        let all = CacheMode.allCases
        next.cache = all[(all.firstIndex(of: cache)! + 1) % all.count]
        return next
    }

    /// One block, then the divisors of the length from 4 up (LLaDA's rule: a block divides it).
    public func nextBlockLength(generationLength: Int) -> DecodeSettings {
        let lengths = (4..<max(4, generationLength)).filter { generationLength % $0 == 0 }
        let current = visibleBlockLength(generationLength: generationLength)
        var next = self
        next.blockLength = current.flatMap { length in lengths.first { $0 > length } } ?? (current == nil ? lengths.first : nil)
        next.parallelism = next.parallelism.fitted(blockCount: next.blocks(generationLength: generationLength).blockCount)
        return next
    }
}
