import Kernels

/// Every random number of a decode, derived from the run's seed so that a run reproduces from its
/// transcript header, and so that step s of a branch draws what step s of the original drew.
///
/// Derivation (all arithmetic on UInt64, wrapping; `mix(x)` = the first output of
/// `SplitMix64(seed: x)`, Steele, Lea & Flood 2014):
///
///     streamSeed = mix(mix(mix(seed ^ purpose) ^ step) ^ position)
///     stream     = SplitMix64(seed: streamSeed)
///
/// with `step` the 1-based step, `position` the offset into the generated part, and `purpose`
/// 0x47554D42 ("GUMB") for Gumbel-max sampling or 0x4F524452 ("ORDR") for the random order.
/// A uniform is `(x >> 11 + 0.5) · 2⁻⁵³` of the stream's next output x: 53 random bits, never 0
/// or 1, so −log(−log u) stays finite. Gumbel sampling draws one uniform per logit column in
/// column order; the random order draws one uniform per position.
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
        return UniformStream(generator: SplitMix64(seed: Self.mix(perStep ^ UInt64(position))))
    }

    /// The first uniform of a stream (the random order needs one per position and step).
    public func uniform(_ purpose: Purpose, step: Int, position: Int) -> Double {
        var uniforms = stream(purpose, step: step, position: position)
        return uniforms.next()
    }

    private static func mix(_ x: UInt64) -> UInt64 {
        var generator = SplitMix64(seed: x)
        return generator.next()
    }
}

/// Open-interval uniforms from one derived stream.
public struct UniformStream {
    var generator: SplitMix64

    public mutating func next() -> Double {
        (Double(generator.next() >> 11) + 0.5) * 0x1.0p-53
    }
}
