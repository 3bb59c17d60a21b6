import ArgumentParser
import Decoder
import Foundation
import Kernels
import Models

struct BenchDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Time a whole decode and the decoder's own share of each step.",
        discussion: """
        Overhead is everything a step does besides the model's forward: statistics of every masked \
        row, sampling, ranking, the parallelism rule, and the canvas update. It is measured as the \
        wall time of DecodeSession.step() minus the time spent inside the model.
        """
    )

    @OptionGroup var model: ModelOptions
    @Option(name: .customLong("prompt-ids"), help: "Prompt ids, e.g. 1,2,3; default: 16 seeded random ids.")
    var promptIds: String?
    @OptionGroup var options: DecodeOptions
    @OptionGroup var perStep: TokensPerStepOption
    @Option(help: "Whole decodes to time (after one warm-up step).") var repeats = 1

    func run() throws {
        try FlagBounds.check("--repeats", repeats, FlagBounds.repeats)
        let location = try model.location()
        let generationLength = try options.generationLength(defaults: location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength, tokensPerStep: perStep.k)
        let llada = try location.model(threads: model.threads)
        let prompt = try promptIds.map(DecodeCommand.parseIds) ?? randomPrompt(llada.config)

        func session() throws -> DecodeSession {
            try DecodeSession(model: llada, promptIds: prompt, generationLength: generationLength, settings: settings)
        }
        try session().step()
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
        print("decode \(location.name): \(llada.config.nLayers) blocks, vocabulary \(llada.config.embeddingSize), "
            + "prompt \(prompt.count) + \(generationLength) generated, threads \(model.threads)")
        print("steps      \(steps / repeats) per decode, \(passes / repeats) forward passes, \(repeats) decode(s) timed")
        print(String(format: "step       %8.3f ms  median", median(stepMillis)))
        print(String(format: "forward    %8.3f ms  median", median(forwardMillis)))
        print(String(format: "overhead   %8.3f ms  median per step, %.3f ms max", median(overhead), overhead.max() ?? 0))
        print(String(format: "tokens/s   %8.1f", Double(generationLength * repeats) / (total / 1000)))
        print(String(format: "overhead=%.4f", (total - forward) / max(total, 1e-9)))
    }

    private func randomPrompt(_ config: TransformerConfig) -> [Int] {
        var generator = SplitMix64(seed: 5)
        let usable = (0..<config.vocabSize).filter { $0 != config.maskTokenId && $0 != config.eosTokenId }
        return (0..<16).map { _ in usable[Int(generator.next() % UInt64(usable.count))] }
    }
}
