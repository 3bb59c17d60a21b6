/// What the colour of a decoded token means; `v` cycles through them.
public enum ColorMeasure: CaseIterable, Equatable, Sendable {
    /// Entropy of the position at the pass that committed it (hot = the model was unsure).
    case entropy
    /// Probability of the committed token (hot = low confidence).
    case confidence
    /// The step of the commit (early → late along the order gradient).
    case step

    public var label: String {
        switch self {
        case .entropy: return "entropy at commit"
        case .confidence: return "confidence"
        case .step: return "decode step"
        }
    }

    public var next: ColorMeasure {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// The gradient position of a token under this measure, and which gradient it reads.
    func position(of token: DecodedToken, in snapshot: DecodeSnapshot) -> (ThemeGradient, Double) {
        switch self {
        case .entropy:
            return (.heat, snapshot.heatFraction(token.entropyNats))
        case .confidence:
            return (.heat, 1 - min(1, max(0, token.confidence)))
        case .step:
            let last = max(snapshot.plannedSteps ?? snapshot.step, snapshot.step, 1)
            return (.order, last <= 1 ? 0 : Double(token.step - 1) / Double(last - 1))
        }
    }
}
