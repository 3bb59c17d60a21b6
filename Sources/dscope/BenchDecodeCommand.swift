import ArgumentParser
import Decoder
import Foundation
import Kernels
import Models
import Remote

struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Time a whole decode and the decoder's own share of each step.",
        discussion: """
        Overhead is everything a step does besides the model's forward: statistics of every masked \
        row, sampling, ranking, the parallelism rule, and the canvas update. It is measured as the \
        wall time of DecodeSession.step() minus the time spent inside the model. With \
        --model http://host:port the model is a dscope-server: "forward" is then the whole round \
        trip (forward and statistics on the server, the request and the answer), and the bytes \
        each step sends and receives are printed too. \
        A block-diffusion model (SDAR/TraDo, Fast-dLLM v2, LLaDA2.x; or --synthetic sdar-1.7b, \
        fastdllm-v2-7b or llada2-mini: random --weights at the real shapes for --layers blocks) \
        decodes by its family's official loop with the flags of dscope decode: the forwards per \
        decode by kind (prefill, denoise: the in-block step, post, store) and each kind's median \
        time; with --synthetic the times are also extrapolated to the full depth.
        """
    )

    @OptionGroup var model: ModelOptions
    @Option(name: .customLong("prompt-ids"), help: "Prompt ids, e.g. 1,2,3; default: 16 seeded random ids.")
    var promptIds: String?
    @OptionGroup var options: DecodeOptions
    @OptionGroup var perStep: TokensPerStepOption
    @OptionGroup var blockOptions: BlockDecodeOptions
    @Option(help: "Whole decodes to time (after one warm-up step).") var repeats = 1
    @Option(help: "Random weights of a block model's real shapes instead of --model: sdar-1.7b, fastdllm-v2-7b or llada2-mini.")
    var synthetic: BenchForwardCommand.Synthetic?
    @Option(help: "Blocks to build with --synthetic (whose --weights may be bf16, f16, f32, q8_0, q4_0, q4_k, q5_k or q6_k; default bf16).")
    var layers = 2

    func validate() throws {
        try FlagBounds.check("--repeats", repeats, FlagBounds.repeats)
        try FlagBounds.check("--layers", layers, 1...ModelBounds.maxLayers)
        if let synthetic {
            guard [.sdar1_7b, .fastDLLMv2_7b, .llada2Mini].contains(synthetic) else {
                throw ValidationError("--synthetic \(synthetic.rawValue): bench decode times block models; use sdar-1.7b, fastdllm-v2-7b or llada2-mini")
            }
            guard model.model == ModelLocation.defaultName else {
                throw ValidationError("give either --model \(model.model) or --synthetic \(synthetic.rawValue), not both")
            }
        }
    }

    func run() throws {
        if let synthetic { return try runBlocks(try syntheticModel(synthetic)) }
        let loaded = try model.load()
        if let blockModel = loaded.model as? TransformerModel, blockModel.isBlockDiffusion {
            return try runBlocks(BlockBench(model: blockModel, name: loaded.name, architecture: loaded.configuration?.architecture.name,
                                            defaults: try loaded.location.generationDefaults, vocabulary: loaded.vocabulary,
                                            fullDepth: nil))
        }
        let generationLength = try options.generationLength(defaults: loaded.location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength, tokensPerStep: perStep.k)
        let prompt = try promptIds.map(DecodeCommand.parseIds)
            ?? randomPrompt(vocabulary: loaded.vocabulary, size: loaded.configuration?.transformer.vocabSize)
        let remote = loaded.model as? RemoteModel

        func session() throws -> DecodeSession {
            try DecodeSession(model: loaded.model, promptIds: prompt, generationLength: generationLength,
                              settings: settings, vocabulary: loaded.vocabulary)
        }
        try session().step()
        let before = remote?.traffic
        var stepMillis: [Double] = [], forwardMillis: [Double] = []
        var steps = 0, passes = 0
        for _ in 0..<repeats {
            let decode = try session()
            while !decode.isComplete {
                let start = DispatchTime.now().uptimeNanoseconds
                let record = try decode.step()
                stepMillis.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
                forwardMillis.append(record.forwardMillis)
            }
            steps += decode.history.count
            passes += decode.forwardPasses
        }

        let total = stepMillis.reduce(0, +), forward = forwardMillis.reduce(0, +)
        let overhead = zip(stepMillis, forwardMillis).map { $0 - $1 }
        let shape = loaded.configuration.map { "\($0.transformer.nLayers) blocks, " } ?? ""
        print("decode \(loaded.name): \(shape)vocabulary \(loaded.vocabulary.logitColumns), "
            + "prompt \(prompt.count) + \(generationLength) generated"
            + (remote.map { ", server on \($0.health.device) \($0.health.dtype)" } ?? ", threads \(model.threads)"))
        print("steps      \(steps / repeats) per decode, \(passes / repeats) forward passes, \(repeats) decode(s) timed")
        print(String(format: "step       %8.3f ms  median", median(stepMillis)))
        print(String(format: "forward    %8.3f ms  median%@", median(forwardMillis), remote == nil ? "" : " (round trip to the server)"))
        print(String(format: "overhead   %8.3f ms  median per step, %.3f ms max", median(overhead), overhead.max() ?? 0))
        print(String(format: "tokens/s   %8.1f", Double(generationLength * repeats) / (total / 1000)))
        if let remote, let before {
            let after = remote.traffic, requests = max(after.requests - before.requests, 1)
            print(String(format: "payload    %8.0f bytes sent, %.0f bytes received per step (mean of %d)",
                         Double(after.bytesSent - before.bytesSent) / Double(requests),
                         Double(after.bytesReceived - before.bytesReceived) / Double(requests), requests))
        }
        print(String(format: "overhead=%.4f", (total - forward) / max(total, 1e-9)))
    }

    /// 16 seeded ids of the vocabulary, none of them the mask or EOS.
    func randomPrompt(vocabulary: VocabularyFacts, size: Int?) -> [Int] {
        var generator = SplitMix64(seed: 5)
        let size = size ?? vocabulary.logitColumns
        let usable = (0..<size).filter { $0 != vocabulary.maskId && $0 != vocabulary.eosId }
        return (0..<16).map { _ in usable[Int(generator.next() % UInt64(usable.count))] }
    }
}
