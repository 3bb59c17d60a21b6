/// How many of the order policy's ranked candidates a step commits: always a prefix of the
/// ranking, and at least one, except under Dream's timestep schedule, which may commit none.
public enum ParallelismRule: Equatable, Sendable {
    /// LLaDA's fixed schedule: `steps` forwards for the whole generation, `steps / blocks` per
    /// block; a block's masks are spread evenly over its steps, the remainder one each on the
    /// FIRST steps (generate.py, get_num_transfer_tokens).
    case schedule(steps: Int)
    /// `k` per step (the last step of a block takes what is left).
    case perStep(k: Int)
    /// Fast-dLLM threshold τ: the ranking's prefix with confidence ≥ τ (under the confidence order
    /// exactly every candidate with p ≥ τ), at least the first.
    case threshold(Double)
    /// Fast-dLLM factor f: the n-th (1-based) while its confidence ≥ 1 − f/(n+1), the first always.
    /// (Fast-dLLM's code also commits a failing n-th when it is the block's last mask; we do not.)
    case factor(Double)
    /// EB-sampler γ (arXiv 2505.24857): the largest prefix U with ΣH(U) − max H(U) ≤ γ.
    case entropyBound(Double)
    /// Dream's timestep schedule over `steps / blocks` steps per block (`DreamTimesteps`): step i
    /// commits ⌊masks · (1 − t[i+1]/t[i])⌋ and the last step everything left. Where that floor is
    /// 0 (Dream's first step when steps = generation length) the step commits nothing, as Dream's
    /// own loop does. Under the `origin` order each mask flips instead with that probability.
    case timesteps(steps: Int)
}

extension ParallelismRule {
    /// Dream's timestep schedule, the only rule the origin order runs under.
    public var isTimesteps: Bool {
        if case .timesteps = self { return true }
        return false
    }

    /// Commits for this step given the ranked candidates of the current block (all of its masks),
    /// the number of blocks, and how many steps have already been spent on this block.
    public func commitCount(ranked: [Candidate], blockCount: Int, stepsSpentInBlock: Int,
                            order: DecodeOrder = .confidence) -> Int {
        guard !ranked.isEmpty else { return 0 }
        let count: Int
        switch self {
        case let .schedule(steps):
            // ceil(masks left / steps left) reproduces LLaDA's per-block list (base + 1 on the
            // first `masks % steps` steps) step by step, and so survives back() and branch().
            let stepsLeft = max(1, steps / blockCount - stepsSpentInBlock)
            count = (ranked.count + stepsLeft - 1) / stepsLeft
        case let .perStep(k):
            count = k
        case let .threshold(tau):
            // In Float, the confidences' own precision: p = 0.9 must pass τ = 0.9.
            count = acceptedPrefix(ranked) { _, candidate in candidate.confidence >= Float(tau) }
        case let .factor(f):
            count = acceptedPrefix(ranked) { n, candidate in
                Double(candidate.confidence) >= 1 - f / Double(n + 1)
            }
        case let .timesteps(steps):
            let schedule = DreamTimesteps(steps: max(1, steps / blockCount))
            guard order == .origin else {
                return min(schedule.commitCount(masks: ranked.count, step: stepsSpentInBlock), ranked.count)
            }
            // origin ranks its uniform flips smallest first: the flips that land are a prefix.
            let p = Double(schedule.transferProbability(step: stepsSpentInBlock))
            return p >= 1 ? ranked.count : ranked.prefix { $0.randomKey < p }.count
        case let .entropyBound(gamma):
            var sum = 0.0, largest = 0.0
            count = acceptedPrefix(ranked) { _, candidate in
                let h = Double(candidate.entropyNats)
                sum += h
                largest = max(largest, h)
                return sum - largest <= gamma
            }
        }
        return min(max(count, 1), ranked.count)
    }

    /// The length of the prefix whose n-th element (1-based) passes `accept`, the first always.
    private func acceptedPrefix(_ ranked: [Candidate], _ accept: (Int, Candidate) -> Bool) -> Int {
        var n = 0
        while n < ranked.count, accept(n + 1, ranked[n]) || n == 0 { n += 1 }
        return n
    }
}
