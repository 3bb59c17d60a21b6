/// Values as a row of block heights (`▁` low … `█` high): the inspector's entropy over steps,
/// the mean-entropy strip under the waterfall and the monochrome colour measure.
enum Sparkline {
    static let ramp: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The glyph of a fraction of the scale (clamped to 0…1; not finite reads as the top).
    static func glyph(_ fraction: Double) -> Character {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 1
        return ramp[min(ramp.count - 1, Int(clamped * Double(ramp.count)))]
    }

    /// One glyph per value, `nil` as a space; values above `top` read as the top.
    static func line(_ values: [Double?], top: Double) -> [Character] {
        values.map { value in value.map { glyph(top > 0 ? $0 / top : 1) } ?? " " }
    }
}
