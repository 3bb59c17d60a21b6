/// Steps a decode still needs, counted the way the decoder commits: a schedule spends its
/// per-block steps (LLaDA's one token each once the masks run short; Dream's every one, even
/// those that commit nothing), a fixed k takes ⌈masks / k⌉ per block. Threshold rules depend on
/// confidences not yet seen: nil. `history` holds the steps so far (Dream's idle steps count).
extension DecodeSettings {
    public func stepsLeft(on canvas: Canvas, history: [StepRecord] = []) -> Int? {
        // A block model's loop decides as it goes (thresholds, post steps, stop tokens).
        if block != nil { return nil }
        let blocks = blocks(generationLength: canvas.generationLength)
        var total = 0
        for block in 0..<blocks.blockCount {
            let range = blocks.range(ofBlock: block)
            let masks = range.filter(canvas.isMasked).count
            guard masks > 0 else { continue }
            let spent = canvas.stepsSpent(onBlock: block, of: blocks, history: history)
            switch parallelism {
            case let .schedule(steps):
                total += min(masks, max(1, steps / blocks.blockCount - spent))
            case let .timesteps(steps):
                total += max(1, steps / blocks.blockCount - spent)
            case let .perStep(k):
                total += (masks + k - 1) / k
            case .threshold, .factor, .entropyBound:
                return nil
            }
        }
        return total
    }
}
