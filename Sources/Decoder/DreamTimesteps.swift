/// Dream's timestep schedule over n steps (Dream-org generation_utils.py, `_sample`):
/// t = torch.linspace(1, ε = 10⁻³, n + 1) in float32, and step i (0-based) moves each remaining
/// mask with probability 1 − t[i+1]/t[i] — `int(masks · (1 − s/t))` of them under the confidence
/// orders, an independent flip each under `origin` — and every mask left on the last step.
/// A count that floors to 0 commits nothing, yet the step still costs its forward.
struct DreamTimesteps {
    static let eps: Float = 1e-3
    let steps: Int

    /// t[i] exactly as PyTorch's CPU linspace kernel computes it (checked for n ≤ 1100 against
    /// torch 2.x): one float32 step (end − start)/n, the first half fused from the start, the
    /// second half fused back from the end.
    func t(_ i: Int) -> Float {
        let points = steps + 1, start: Float = 1, end = Self.eps
        let step = (end - start) / Float(points - 1)
        return i < points / 2
            ? start.addingProduct(step, Float(i))
            : end.addingProduct(-step, Float(points - i - 1))
    }

    /// 1 − t[i+1]/t[i] for step i, 1 on the last step.
    func transferProbability(step i: Int) -> Float {
        i >= steps - 1 ? 1 : 1 - t(i + 1) / t(i)
    }

    /// `int(masks · (1 − s/t))`, in float32 as Dream computes it; all of them on the last step.
    func commitCount(masks: Int, step i: Int) -> Int {
        i >= steps - 1 ? masks : Int(Float(masks) * transferProbability(step: i))
    }
}
