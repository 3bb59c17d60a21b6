import Models

/// Runs a block-diffusion model's decode by its family's official loop: the prompt's whole
/// blocks prefilled into the exact cache, each step forwarding only the current block, a
/// finished block stored. `onStep` sees every forward as it lands.
public enum BlockDecode {
    public static func run(model: BlockDiffusionModel, prompt: [Int], settings: BlockDecodeSettings,
                           maskId: Int, onStep: (BlockStep) throws -> Void = { _ in }) throws -> BlockDecodeResult {
        guard model.isBlockDiffusion else { throw BlockDecodeError.notABlockModel(model.modelName) }
        try settings.validate()
        if prompt.contains(maskId) { throw DecodeSessionError.maskInPrompt(maskId) }
        let B = settings.blockLength, length = settings.generationLength
        switch settings.rule {
        case let .sdar(rule):
            return try SDARLoop(model: model, prompt: prompt, maskId: maskId, blockLength: B,
                                generationLength: length, rule: rule).run(onStep: onStep)
        case let .fastDLLMv2(rule):
            return try FastDLLMv2Loop(model: model, prompt: prompt, maskId: maskId, blockLength: B,
                                      maxNewTokens: length, rule: rule).run(onStep: onStep)
        case let .llada2(rule):
            return try LLaDA2Loop(model: model, prompt: prompt, maskId: maskId, blockLength: B,
                                  generationLength: length, rule: rule).run(onStep: onStep)
        }
    }
}
