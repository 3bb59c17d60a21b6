import Decoder
import Foundation
import Kernels
import Models

/// A block model to time a decode of: a checkpoint, or random weights at a known model's shapes
/// (`fullDepth` then names the real depth the figures are extrapolated to).
struct BlockBench {
    let model: TransformerModel
    let name: String
    let architecture: String?
    let defaults: GenerationDefaults
    let vocabulary: VocabularyFacts
    let fullDepth: Int?
}

extension BenchDecodeCommand {
    func syntheticModel(_ synthetic: BenchForwardCommand.Synthetic) throws -> BlockBench {
        model.matmulMode.apply()
        let weights = model.weights ?? .bf16
        let built = try synthetic.model(layers: layers, dtype: weights, threads: model.threads)
        return BlockBench(model: built, name: "synthetic \(synthetic.rawValue) (random \(weights.rawValue) weights)",
                          architecture: synthetic.architecture.name, defaults: GenerationDefaults(), vocabulary: built.vocabulary,
                          fullDepth: synthetic.fullDepth)
    }

    /// Whole decodes through BlockDecodeSession, as the scope steps them: one forward per step,
    /// timed by kind; the overhead is the step's wall time minus the model's.
    func runBlocks(_ bench: BlockBench) throws {
        if perStep.k != nil { throw BlockDecodeOptionError.wholeCanvasFlag("--k") }
        let timed = TimedBlockModel(bench.model, unpredicted: bench.fullDepth == nil ? nil : bench.vocabulary.maskId)
        let settings = try blockOptions.settings(model: timed, architecture: bench.architecture, options: options,
                                                 defaults: bench.defaults, eosId: bench.vocabulary.eosId)
        let prompt = try promptIds.map(DecodeCommand.parseIds)
            ?? randomPrompt(vocabulary: bench.vocabulary, size: bench.model.config.vocabSize)
        func session() throws -> BlockDecodeSession {
            try BlockDecodeSession(model: timed, promptIds: prompt, settings: settings, vocabulary: bench.vocabulary)
        }
        try session().step()
        _ = timed.take()

        var times = BlockBenchTimes(layers: bench.model.config.nLayers, fullDepth: bench.fullDepth)
        var decoded = 0
        for _ in 0..<repeats {
            let decode = try session()
            while true {
                let start = DispatchTime.now().uptimeNanoseconds
                guard let record = try decode.step() else { break }
                let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                guard let kind = record.blockForward?.kind else { continue }
                times.add(kind: kind, wall: wall, forwards: timed.take())
            }
            decoded += (0..<decode.canvas.generationLength).filter { !decode.canvas.isMasked($0) }.count
        }
        times.print(header: "decode \(bench.name): \(bench.model.config.nLayers) blocks, vocabulary \(bench.vocabulary.logitColumns), "
            + "prompt \(prompt.count) + \(settings.generationLength) generated, block \(settings.blockLength), "
            + "\(settings.rule.family) loop, threads \(model.threads)", repeats: repeats, decoded: decoded)
        if bench.fullDepth != nil {
            Swift.print("note: random weights may predict the mask (tied embeddings give back the input), so its logit is "
                + "lowered below every other as in a trained model; the forwards are those of random logits, not a real decode")
        }
    }
}

/// Every step's wall time and its forward's, by the forward's kind.
struct BlockBenchTimes {
    let layers: Int
    let fullDepth: Int?
    private var forwardSeconds: [BlockStep.Kind: [Double]] = [:]
    /// The same forwards with their transformer blocks scaled to the full depth.
    private var fullDepthSeconds: [BlockStep.Kind: [Double]] = [:]
    private var overheads: [Double] = []
    private var wall = 0.0, model = 0.0, fullDepthModel = 0.0

    init(layers: Int, fullDepth: Int?) {
        self.layers = layers
        self.fullDepth = fullDepth
    }

    mutating func add(kind: BlockStep.Kind, wall: Double, forwards: [TimedBlockModel.Forward]) {
        let seconds = forwards.map(\.seconds).reduce(0, +)
        let scaled = seconds + forwards.map(\.blockSeconds).reduce(0, +) * (Double(fullDepth ?? layers) / Double(layers) - 1)
        forwardSeconds[kind, default: []].append(seconds)
        fullDepthSeconds[kind, default: []].append(scaled)
        overheads.append(wall - seconds)
        self.wall += wall
        model += seconds
        fullDepthModel += scaled
    }

    func print(header: String, repeats: Int, decoded: Int) {
        let kinds: [BlockStep.Kind] = [.prefill, .denoise, .post, .store]
        let counts = kinds.map { ($0, (forwardSeconds[$0]?.count ?? 0) / repeats) }
        let extrapolated = fullDepth.flatMap { $0 == layers ? nil : $0 }
        Swift.print(header)
        Swift.print("forwards   \(counts.map(\.1).reduce(0, +)) per decode: "
            + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + ", \(repeats) decode(s) timed")
        for kind in kinds {
            guard let seconds = forwardSeconds[kind] else { continue }
            var line = kind.rawValue.padding(toLength: 11, withPad: " ", startingAt: 0)
                + String(format: "%8.3f ms  median of %d", median(seconds) * 1e3, seconds.count)
            if let extrapolated {
                line += String(format: "; %.3f ms extrapolated to %d blocks", median(fullDepthSeconds[kind]!) * 1e3, extrapolated)
            }
            Swift.print(line)
        }
        Swift.print(String(format: "overhead   %8.3f ms  median per step, %.3f ms max (the loop's decisions, statistics, canvas)",
                           median(overheads) * 1e3, (overheads.max() ?? 0) * 1e3))
        Swift.print(String(format: "tokens/s   %8.1f  (%d positions decoded per decode)", Double(decoded) / max(wall, 1e-9),
                           decoded / repeats))
        if let extrapolated {
            Swift.print(String(format: "tokens/s   %8.1f  extrapolated to %d blocks (random weights: the loop's forwards are those of random logits)",
                               Double(decoded) / max(wall - model + fullDepthModel, 1e-9), extrapolated))
        }
        Swift.print(String(format: "overhead=%.4f", (wall - model) / max(wall, 1e-9)))
    }
}
