import Decoder
import Foundation

/// The top of the heat scale. By default it is fixed at ln V (V = the model's logit columns: the
/// entropy of a uniform row, the most any position can have), so a colour means the same number of
/// nats at every step, in every decode of the model and in every export. The adaptive scale
/// (`--entropy-scale adaptive`) stretches the colours over the hottest entropy the first step saw instead:
/// more contrast, but comparable only within one decode.
public enum EntropyScale: String, CaseIterable, Equatable, Sendable {
    case fixed
    case adaptive

    /// How the legend names the top of the scale.
    public var label: String { self == .fixed ? "ln V" : "adaptive" }

    func nats(firstSteps: [StepRecord], logitColumns: Int) -> Double {
        let uniform = log(Double(max(2, logitColumns)))
        guard self == .adaptive else { return uniform }
        let hottest = firstSteps.flatMap { record in
            record.maskedEntropyNats.compactMap { $0 } + record.commits.map(\.entropyNats)
        }.max()
        guard let hottest, hottest > 0 else { return uniform }
        // Rounded up to half a nat so the legend reads well.
        return max(0.5, (Double(hottest) * 2).rounded(.up) / 2)
    }
}
