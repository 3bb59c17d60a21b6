/// Steps a decode still needs, counted the way the decoder commits: a schedule spends its
/// per-block steps (one token each once the masks run short), a fixed k takes ⌈masks / k⌉ per
/// block, the timestep schedule its per-block steps. Threshold rules depend on confidences not
/// yet seen: nil.
extension DecodeSettings {
    public func stepsLeft(on canvas: Canvas) -> Int? {
        let blocks = blocks(generationLength: canvas.generationLength)
        var total = 0
        for block in 0..<blocks.blockCount {
            let range = blocks.range(ofBlock: block)
            let masks = range.filter(canvas.isMasked).count
            guard masks > 0 else { continue }
            switch parallelism {
            case let .schedule(steps), let .timesteps(steps):
                total += min(masks, max(1, steps / blocks.blockCount - canvas.stepsSpent(in: range)))
            case let .perStep(k):
                total += (masks + k - 1) / k
            case .threshold, .factor, .entropyBound:
                return nil
            }
        }
        return total
    }
}
