import Kernels

/// Every random number of a decode, derived from the run's seed so that a run reproduces from its
/// transcript header, and so that step s of a branch draws what step s of the original drew.
///
/// Derivation (all arithmetic on UInt64, wrapping; `mix(x)` = the first output of
/// `SplitMix64(seed: x)`, Steele, Lea & Flood 2014):
///
///     streamSeed = mix(mix(mix(seed ^ purpose) ^ step) ^ position)
///     x_i        = the (i+1)-th output of SplitMix64(seed: streamSeed), i = 0, 1, …
///     u_i        = ((x_i >> 12) + 0.5) · 2⁻⁵²
///
/// with `step` the 1-based step, `position` the offset into the generated part, and `purpose`
/// 0x47554D42 ("GUMB") for Gumbel-max sampling or 0x4F524452 ("ORDR") for the random and origin
/// orders. u has 52 random bits and is never 0 or 1, so −log(−log u) stays finite. Gumbel
/// sampling uses u_v for logit column v; the random order ranks by u_0 of each position, and
/// origin flips a mask when its u_0 < 1 − s/t (where Dream draws `torch.rand`).
public struct NoiseStreams: Equatable, Sendable {
    public enum Purpose: UInt64, Sendable {
        case gumbel = 0x4755_4D42
        case order = 0x4F52_4452
    }

    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func stream(_ purpose: Purpose, step: Int, position: Int) -> UniformStream {
        let perPurpose = Self.mix(seed ^ purpose.rawValue)
        let perStep = Self.mix(perPurpose ^ UInt64(step))
        return UniformStream(seed: Self.mix(perStep ^ UInt64(position)))
    }

    /// u_0 of a stream (the random order needs one per position and step).
    public func uniform(_ purpose: Purpose, step: Int, position: Int) -> Double {
        stream(purpose, step: step, position: position).uniform(0)
    }

    static func mix(_ x: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: x)
        return generator.next()
    }
}

/// The uniforms u_0, u_1, … of one derived stream, each computed on its own: SplitMix64's state
/// after i steps is seed + i·γ, so x_i = mix(streamSeed + i·γ). A sampler can thus draw only the
/// columns that could still win.
public struct UniformStream: Sendable {
    /// SplitMix64's state increment (the golden-ratio constant).
    private static let gamma: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// The largest value a uniform can take, 1 − 2⁻⁵³.
    public static let largest = (Double((UInt64(1) << 52) - 1) + 0.5) * 0x1.0p-52

    let seed: UInt64

    public func uniform(_ index: Int) -> Double {
        let x = NoiseStreams.mix(seed &+ UInt64(index) &* Self.gamma)
        return (Double(x >> 12) + 0.5) * 0x1.0p-52
    }
}
