/// Real shapes of the Qwen-based block-diffusion models, for benchmarks with random weights.
extension TransformerConfig {
    /// SDAR-1.7B (trained from Qwen3-1.7B, whose shapes it keeps: 28 layers, hidden 2048,
    /// 16 query / 8 KV heads of 128, FFN 6144, vocabulary 151,936, tied embeddings), block 4.
    public static func sdar1_7B(layers: Int = 28) -> TransformerConfig {
        var config = TransformerConfig(architecture: SDARArchitecture.name, dModel: 2048, nLayers: layers, nHeads: 16,
                                       nKVHeads: 8, mlpHiddenSize: 6144, vocabSize: 151_936, maxSequenceLength: 32_768,
                                       ropeTheta: 1_000_000, traits: SDARArchitecture().traits)
        config.statedHeadDim = 128
        config.rmsNormEps = 1e-6
        config.maskTokenId = SDARArchitecture.maskTokenId
        config.eosTokenId = SDARArchitecture.eosTokenId
        config.padTokenId = nil
        config.weightTying = true
        config.blockLength = SDARArchitecture.defaultBlockLength
        return config
    }

    /// Fast-dLLM v2 7B (its hub config.json: Qwen2.5-7B's 28 layers, hidden 3584, 28 query / 4 KV
    /// heads, FFN 18944, vocabulary 152,064), bd_size 32.
    public static func fastDLLMv2_7B(layers: Int = 28) -> TransformerConfig {
        var config = TransformerConfig(architecture: FastDLLMv2Architecture.name, dModel: 3584, nLayers: layers, nHeads: 28,
                                       nKVHeads: 4, mlpHiddenSize: 18_944, vocabSize: 152_064, maxSequenceLength: 32_768,
                                       ropeTheta: 1_000_000, traits: FastDLLMv2Architecture().traits)
        config.rmsNormEps = 1e-6
        config.maskTokenId = FastDLLMv2Architecture.maskTokenId
        config.eosTokenId = FastDLLMv2Architecture.eosTokenId
        config.padTokenId = nil
        config.blockLength = FastDLLMv2Architecture.defaultBlockLength
        return config
    }
}
