/// The parallelism rules in the order the scope's `p` key visits them, and for each a ladder of
/// useful values that `[`/`]` (and any sweep) step along. Every result is valid for the
/// generation length: a schedule's steps stay a multiple of the blocks.
extension DecodeSettings {
    /// The fixed rules, then Fast-dLLM's threshold (τ 0.9) and factor (f 1), then EB-sampler (γ 0.5).
    public func nextParallelismRule(generationLength: Int) -> DecodeSettings {
        var next = self
        switch parallelism {
        case .schedule, .perStep, .timesteps: next.parallelism = .threshold(0.9)
        case .threshold: next.parallelism = .factor(1)
        case .factor: next.parallelism = .entropyBound(0.5)
        case .entropyBound:
            next.parallelism = ParallelismRule.schedule(steps: generationLength)
                .fitted(blockCount: blocks(generationLength: generationLength).blockCount)
        }
        if next.order == .origin && !next.parallelism.isTimesteps { next.order = .random }
        return next
    }

    /// One rung towards more (or fewer) tokens per step; nil at the end of the ladder.
    public func adjustingParallelism(more: Bool, generationLength: Int) -> DecodeSettings? {
        let blockCount = blocks(generationLength: generationLength).blockCount
        var next = self
        switch parallelism {
        case let .schedule(steps), let .timesteps(steps):
            // Fewer forwards for the same canvas is more parallel: halve down to one per block.
            let ladder = Set(sequence(first: generationLength) { $0 > 1 ? $0 / 2 : nil }
                .map { ParallelismRule.roundedSteps($0, blockCount: blockCount) } + [steps]).sorted()
            guard let value = Self.rung(from: Double(steps), in: ladder.map(Double.init), upward: !more) else { return nil }
            if case .timesteps = parallelism {
                next.parallelism = .timesteps(steps: Int(value))
            } else {
                next.parallelism = .schedule(steps: Int(value))
            }
        case let .perStep(k):
            let ladder = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32].filter { $0 <= generationLength }.map(Double.init)
            guard let value = Self.rung(from: Double(k), in: ladder, upward: more) else { return nil }
            next.parallelism = .perStep(k: Int(value))
        case let .threshold(tau):
            guard let value = Self.rung(from: tau, in: [0.1, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99], upward: !more) else { return nil }
            next.parallelism = .threshold(value)
        case let .factor(f):
            guard let value = Self.rung(from: f, in: [0.25, 0.5, 1, 2, 4, 8], upward: more) else { return nil }
            next.parallelism = .factor(value)
        case let .entropyBound(gamma):
            guard let value = Self.rung(from: gamma, in: [0, 0.1, 0.25, 0.5, 1, 2, 4], upward: more) else { return nil }
            next.parallelism = .entropyBound(value)
        }
        return next
    }

    /// The next ladder value above (or below) `value`; a value between rungs moves to the nearest.
    private static func rung(from value: Double, in ascending: [Double], upward: Bool) -> Double? {
        upward ? ascending.first { $0 > value + 1e-9 } : ascending.last { $0 < value - 1e-9 }
    }
}

extension ParallelismRule {
    /// A schedule whose steps no longer split evenly over the blocks moves to the nearest that does.
    public func fitted(blockCount: Int) -> ParallelismRule {
        switch self {
        case let .schedule(steps): return .schedule(steps: Self.roundedSteps(steps, blockCount: blockCount))
        case let .timesteps(steps): return .timesteps(steps: Self.roundedSteps(steps, blockCount: blockCount))
        default: return self
        }
    }

    public static func roundedSteps(_ steps: Int, blockCount: Int) -> Int {
        max(blockCount, Int((Double(steps) / Double(blockCount)).rounded()) * blockCount)
    }
}
