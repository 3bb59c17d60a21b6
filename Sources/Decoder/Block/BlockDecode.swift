import Models

/// Runs a block-diffusion model's decode by its family's official loop: the prompt's whole
/// blocks prefilled into the exact cache, each step forwarding only the current block, a
/// finished block stored. `onStep` sees every forward as it lands.
public enum BlockDecode {
    public static func run(model: BlockDiffusionModel, prompt: [Int], settings: BlockDecodeSettings,
                           maskId: Int, onStep: (BlockStep) throws -> Void = { _ in }) throws -> BlockDecodeResult {
        try check(model: model, prompt: prompt, settings: settings, maskId: maskId)
        var loop = makeBlockLoop(model: model, prompt: prompt, settings: settings, maskId: maskId)
        var steps: [BlockStep] = []
        while let step = try loop.next() {
            steps.append(step)
            try onStep(step)
        }
        var result = loop.result
        result.steps = steps
        return result
    }

    static func check(model: BlockDiffusionModel, prompt: [Int], settings: BlockDecodeSettings, maskId: Int) throws {
        guard model.isBlockDiffusion else { throw BlockDecodeError.notABlockModel(model.modelName) }
        try settings.validate()
        if prompt.contains(maskId) { throw DecodeSessionError.maskInPrompt(maskId) }
    }
}
