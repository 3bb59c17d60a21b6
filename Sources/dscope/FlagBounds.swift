import Decoder
import Models

/// A numeric flag outside what dscope accepts. Thrown from a command's `validate()`, before
/// anything is allocated from the value; ArgumentParser prints it as one line and exits 1.
struct FlagBoundsError: Error, CustomStringConvertible {
    let description: String
}

/// The bounds of every numeric flag (docs/robustness.md, "Bounds").
enum FlagBounds {
    static let threads = 1...1024
    static let repeats = 1...100_000
    /// Canvas rows of a benchmark forward.
    static let benchTokens = 1...65_536
    /// Elements of one benchmark matrix (4 GiB of f32).
    static let matrixElements = 1 << 30
    static let histogramBins = 1...1_000
    static let listedTokens = 1...100_000
    /// Terminal columns and rows of an export recording.
    static let recordingColumns = 40...1_000
    static let recordingRows = 12...1_000

    static func check(_ flag: String, _ value: Int?, _ range: ClosedRange<Int>) throws {
        guard let value, !range.contains(value) else { return }
        throw FlagBoundsError(description: "\(flag) \(value) is outside \(range.lowerBound)…\(range.upperBound)")
    }

    /// `a × b` elements, each at least 1, at most `limit` (no overflow on the way).
    static func checkProduct(_ flags: String, _ a: Int, _ b: Int, limit: Int = matrixElements) throws {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard overflow || product > limit else { return }
        throw FlagBoundsError(description: "\(flags) \(a) × \(b) is more than \(limit) elements")
    }
}
