import Kernels

/// Percentile bootstrap over tasks (Efron & Tibshirani 1993, ch. 13): resample the tasks with
/// replacement, recompute the mean, and read the interval off the sorted resampled means. The
/// resamples are drawn once from the seed and shared by every order and k, so intervals are
/// reproducible and paired across orders.
public struct Bootstrap: Sendable {
    /// Task indices of each resample.
    let resamples: [[Int]]

    /// Draws `resampleCount` resamples of `taskCount` tasks with SplitMix64(seed): index =
    /// ⌊u · taskCount⌋ with u the generator's 53-bit unit double.
    public init(taskCount: Int, resampleCount: Int = 1000, seed: UInt64) {
        var generator = SplitMix64(seed: seed)
        resamples = (0..<resampleCount).map { _ in
            (0..<taskCount).map { _ in min(taskCount - 1, Int(generator.nextUnitDouble() * Double(taskCount))) }
        }
    }

    /// The central `confidence` interval of the mean of `values` (one per task, in task order):
    /// the ⌈α/2·B⌉-th and ⌈(1−α/2)·B⌉-th smallest of the B resampled means (nearest rank).
    public func interval(of values: [Double], confidence: Double = 0.95) -> ClosedRange<Double> {
        guard !values.isEmpty, !resamples.isEmpty else { return 0...0 }
        precondition(resamples[0].count == values.count, "one value per task")
        let means = resamples.map { indices in indices.reduce(0) { $0 + values[$1] } / Double(values.count) }.sorted()
        let tail = (1 - confidence) / 2
        func rank(_ fraction: Double) -> Int {
            min(means.count, max(1, Int((fraction * Double(means.count)).rounded(.up))))
        }
        return means[rank(tail) - 1]...means[rank(1 - tail) - 1]
    }
}
