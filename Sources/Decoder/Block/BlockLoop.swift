import Models

/// One family's official loop as a value stepped one forward at a time: `next()` runs the next
/// forward (nil once the loop is over). The keys and values live in `cache`, a reference the
/// copies share; a copy taken before a forward, with the cache cut back to the length it had,
/// resumes the decode exactly (committed blocks' keys and values do not change).
protocol BlockLoop {
    var cache: BlockKVCache { get }
    mutating func next() throws -> BlockStep?
    /// What the official loop returns, from the state so far (`steps` left empty).
    var result: BlockDecodeResult { get }
    /// The canvas block the next forward works on; nil once the loop is over.
    var currentBlock: Int? { get }
    /// Takes `rule`'s settings for the forwards to come (the same family's: the scope's editing key).
    mutating func adopt(_ rule: BlockDecodeRule)
}

/// The loop of a settings' family, at its start.
func makeBlockLoop(model: BlockDiffusionModel, prompt: [Int], settings: BlockDecodeSettings, maskId: Int) -> BlockLoop {
    let B = settings.blockLength, length = settings.generationLength
    switch settings.rule {
    case let .sdar(rule):
        return SDARLoop(model: model, prompt: prompt, maskId: maskId, blockLength: B, generationLength: length, rule: rule)
    case let .fastDLLMv2(rule):
        return FastDLLMv2Loop(model: model, prompt: prompt, maskId: maskId, blockLength: B, maxNewTokens: length, rule: rule)
    case let .llada2(rule):
        return LLaDA2Loop(model: model, prompt: prompt, maskId: maskId, blockLength: B, generationLength: length, rule: rule)
    }
}
