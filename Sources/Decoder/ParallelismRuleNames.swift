import Foundation

/// Every name a parallelism rule goes by, defined here once: on screen and in Markdown exports
/// (`ruleName` with `valueLabel`, the paper's symbol), and in reports and on the command line
/// (`flag`, `flagValue`). Transcripts keep their own snake_case names (TranscriptLines: a file
/// format does not follow display wording).
extension ParallelismRule {
    public var ruleName: String {
        switch self {
        case .schedule: return "schedule"
        case .perStep: return "fixed"
        case .threshold: return "threshold"
        case .factor: return "factor"
        case .entropyBound: return "entropy-bound"
        case .timesteps: return "timesteps"
        }
    }

    /// The value with its symbol: `steps=128`, `k=2`, `τ=0.90`, `f=1.00`, `γ=0.50`.
    public var valueLabel: String {
        switch self {
        case let .schedule(steps): return "steps=\(steps)"
        case let .perStep(k): return "k=\(k)"
        case let .threshold(tau): return "τ=\(String(format: "%.2f", tau))"
        case let .factor(f): return "f=\(String(format: "%.2f", f))"
        case let .entropyBound(gamma): return "γ=\(String(format: "%.2f", gamma))"
        case let .timesteps(steps): return "steps=\(steps)"
        }
    }

    /// The command-line option that sets the rule (without `--`): steps, k, threshold, factor,
    /// eb, timesteps.
    public var flag: String {
        switch self {
        case .schedule: return "steps"
        case .perStep: return "k"
        case .threshold: return "threshold"
        case .factor: return "factor"
        case .entropyBound: return "eb"
        case .timesteps: return "timesteps"
        }
    }

    /// The value as the option takes it: `128`, `2`, `0.9`.
    public var flagValue: String {
        switch self {
        case let .schedule(steps), let .timesteps(steps): return "\(steps)"
        case let .perStep(k): return "\(k)"
        case let .threshold(value), let .factor(value), let .entropyBound(value): return "\(value)"
        }
    }

    /// One token per step with nothing to say: LLaDA's default schedule (as many steps as
    /// positions) or k = 1. Reports name only the rules that differ from it.
    public func isOneTokenPerStep(generationLength: Int) -> Bool {
        switch self {
        case let .schedule(steps): return steps == generationLength
        case let .perStep(k): return k == 1
        default: return false
        }
    }
}
