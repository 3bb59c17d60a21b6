/// Why a step could not be computed: the model's forward gave numbers the decoder cannot commit from.
public enum DecodeStepError: Error, CustomStringConvertible, Equatable {
    /// `position` is the generated position, `canvasIndex` its index in the canvas (prompt included).
    case nonFiniteLogits(model: String, step: Int, position: Int, canvasIndex: Int)

    public var description: String {
        switch self {
        case let .nonFiniteLogits(model, step, position, canvasIndex):
            return "\(model): the logits of generated position \(position) (canvas index \(canvasIndex)) at step \(step) are not finite (NaN or ±∞); likely NaN/Inf in the weights (dscope inspect --check-weights \(model)) or a bad rope_theta / rms_norm_eps in the config; the decode stops here"
        }
    }
}
