import Models

/// The canvas the SDAR and LLaDA2 loops decode in place: the prompt, then masks up to a whole
/// number of blocks, with an exact cache sized for all of them; the first forward stores the
/// prompt's whole blocks, and decoding starts at the block the prompt ends in (or the next).
struct WholeBlockCanvas {
    let prompt: [Int]
    let maskId: Int
    let blockLength: Int
    let generationLength: Int
    let blockCount: Int
    let cache: BlockKVCache
    /// Prompt, then committed tokens and masks.
    var x: [Int]
    /// The block the loop works on.
    var block: Int
    private var prefilled = false

    init(model: BlockDiffusionModel, prompt: [Int], maskId: Int, blockLength B: Int, generationLength: Int) {
        self.prompt = prompt
        self.maskId = maskId
        self.blockLength = B
        self.generationLength = generationLength
        blockCount = (prompt.count + generationLength + B - 1) / B
        x = prompt + Array(repeating: maskId, count: blockCount * B - prompt.count)
        cache = model.makeBlockCache(capacity: blockCount * B, blockLength: B)
        block = prompt.count / B
    }

    /// The prefill forward, the first time only and only where the prompt fills a block.
    mutating func prefill(_ model: BlockDiffusionModel) throws -> BlockStep? {
        guard !prefilled else { return nil }
        prefilled = true
        let whole = prompt.count / blockLength * blockLength
        guard whole > 0 else { return nil }
        try model.store(tokens: Array(x[..<whole]), at: 0, in: cache)
        return BlockStep(kind: .prefill, block: 0, step: 0, forward: 0..<whole)
    }
}
