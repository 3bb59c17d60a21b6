/// How fast play advances: a ladder of steps per second, topped by "as fast as the model runs".
public struct PlaybackSpeed: Equatable, Sendable {
    /// nil = no pause between steps.
    static let ladder: [Double?] = [0.5, 1, 2, 4, 8, 16, 32, nil]
    private var index: Int

    /// 8 steps/s: a tiny model's decode takes seconds, and each step stays visible.
    public init() { index = 4 }

    public var stepsPerSecond: Double? { Self.ladder[index] }

    /// The pause between the end of one step and the start of the next.
    public var pause: Duration {
        stepsPerSecond.map { .milliseconds(Int(1000 / $0)) } ?? .zero
    }

    public var label: String {
        guard let rate = stepsPerSecond else { return "max speed" }
        return rate < 1 ? "\(rate.fixed(1)) steps/s" : "\(Int(rate)) steps/s"
    }

    /// False at the end of the ladder.
    public mutating func faster() -> Bool {
        guard index + 1 < Self.ladder.count else { return false }
        index += 1
        return true
    }

    public mutating func slower() -> Bool {
        guard index > 0 else { return false }
        index -= 1
        return true
    }
}
