/// A 24-bit colour as written in theme files.
public struct RGBColor: Hashable, Sendable {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8

    public init(red: UInt8, green: UInt8, blue: UInt8) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public init(grey: UInt8) { self.init(red: grey, green: grey, blue: grey) }

    /// The linear mix `(1 − t)·self + t·other`, rounded; gradients are expanded with it.
    public func mixed(with other: RGBColor, fraction t: Double) -> RGBColor {
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 {
            UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded())
        }
        return RGBColor(red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue))
    }

    /// The nearest xterm-256 entry: the 24-step grey ramp (232–255) for near-greys, else the
    /// 6×6×6 cube (16–231). Cube levels are 0, 95, 135, …, 255, not evenly spaced, so each channel
    /// goes to its nearest level rather than `round(c/51)`, which moves #5f5f5f to #878787.
    public var xterm256Index: UInt8 {
        let levels = [0, 95, 135, 175, 215, 255]
        func nearestLevel(_ c: UInt8) -> Int {
            levels.indices.min { abs(levels[$0] - Int(c)) < abs(levels[$1] - Int(c)) }!
        }
        let (r, g, b) = (nearestLevel(red), nearestLevel(green), nearestLevel(blue))
        let cube = (index: 16 + 36 * r + 6 * g + b, rgb: (levels[r], levels[g], levels[b]))
        let channels = [Int(red), Int(green), Int(blue)]
        guard channels.max()! - channels.min()! <= Self.greyTolerance else { return UInt8(cube.index) }
        let mean = channels.reduce(0, +) / 3
        let step = min(23, max(0, Int((Double(mean - 8) / 10).rounded())))
        let grey = 8 + 10 * step
        let cubeError = [cube.rgb.0, cube.rgb.1, cube.rgb.2].enumerated().map { abs($1 - channels[$0]) }.max()!
        return cubeError < abs(grey - mean) ? UInt8(cube.index) : UInt8(232 + step)
    }

    /// Channels this close are treated as grey (the ramp's own step is 10).
    private static let greyTolerance = 8
}
