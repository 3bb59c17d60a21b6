/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, seedable generator whose whole state is
/// one UInt64, so any run can be reproduced from its seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextUnitDouble() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }

    /// Uniform in [-1, 1) with 24 random bits.
    public mutating func nextSignedUnitFloat() -> Float {
        Float(next() >> 40) * 0x1.0p-23 - 1
    }
}
