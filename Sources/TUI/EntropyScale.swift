import Decoder
import Foundation

/// The top of the heat scale. A fixed top keeps colours comparable from step to step and between
/// compare panes, so it comes from the first step of each decode: every position is masked then,
/// the most uncertain moment a decode has.
enum EntropyScale {
    /// The hottest entropy of the first steps, rounded up to half a nat so the legend reads well;
    /// ln(vocabulary) (uniform, the most a row can have) before any step.
    static func nats(firstSteps: [StepRecord], logitColumns: Int) -> Double {
        let hottest = firstSteps.flatMap { record in
            record.maskedEntropyNats.compactMap { $0 } + record.commits.map(\.entropyNats)
        }.max()
        guard let hottest, hottest > 0 else { return log(Double(max(2, logitColumns))) }
        return max(0.5, (Double(hottest) * 2).rounded(.up) / 2)
    }
}
