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
        each step sends and receives are printed too.
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
        let loaded = try model.load()
        let generationLength = try options.generationLength(defaults: try loaded.location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength, tokensPerStep: perStep.k)
        let prompt = try promptIds.map(DecodeCommand.parseIds) ?? randomPrompt(loaded)
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

    private func randomPrompt(_ loaded: LoadedModel) -> [Int] {
        var generator = SplitMix64(seed: 5)
        let vocabulary = loaded.vocabulary
        let size = loaded.configuration?.transformer.vocabSize ?? vocabulary.logitColumns
        let usable = (0..<size).filter { $0 != vocabulary.maskId && $0 != vocabulary.eosId }
        return (0..<16).map { _ in usable[Int(generator.next() % UInt64(usable.count))] }
    }
}
