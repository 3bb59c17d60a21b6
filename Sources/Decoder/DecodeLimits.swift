import Models

/// Sane upper bounds on the sizes a decode takes from a flag or a file (docs/robustness.md,
/// "Bounds"), checked before anything is allocated from them. A model's own context length,
/// where known, bounds the canvas further (`DecodeSession`).
public enum DecodeLimits {
    /// Generated positions of one canvas (defined with the model bounds, which
    /// generation_config.json is checked against).
    public static let maxGenerationLength = ModelBounds.maxGenerationLength
    /// Forward passes of a `--steps` / `--timesteps` schedule; a step commits at least one token,
    /// so more steps than positions are never taken.
    public static let maxSteps = maxGenerationLength
    /// Forward passes one step may report (1, or 2 with CFG or a cache refill).
    public static let maxForwardPassesPerStep = 16
}
