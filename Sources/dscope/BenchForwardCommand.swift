import ArgumentParser
import Foundation
import Kernels
import Models

struct BenchForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forward",
        abstract: "Time one full-canvas forward pass of a model, block by block, and the cached steps.",
        discussion: """
        With --synthetic llada-8b (llada-moe-7b, llada2-mini) the model has LLaDA-8B-Instruct's \
        (LLaDA-MoE-7B-A1B's, LLaDA2.0-mini's) real shapes with random bf16 weights for --layers blocks, so \
        speed and memory at true size are measurable without the download; the step time of all 32 (16, \
        20) blocks is extrapolated from the measured ones (llada2-mini's first block is dense). \
        The prefix and dual cache steps are timed mid-decode: the block starting at half the canvas \
        (--block rows) against keys and values cached by a full forward.
        """
    )

    enum Synthetic: String, ExpressibleByArgument {
        case llada8b = "llada-8b"
        case lladaMoE7b = "llada-moe-7b"
        case llada2Mini = "llada2-mini"

        func config(layers: Int) -> TransformerConfig {
            switch self {
            case .llada8b: .llada8B(layers: layers)
            case .lladaMoE7b: .lladaMoE7B(layers: layers)
            case .llada2Mini: .llada2Mini(layers: layers)
            }
        }

        var fullDepth: Int {
            switch self {
            case .llada8b: 32
            case .lladaMoE7b: 16
            case .llada2Mini: 20
            }
        }

        var layout: TensorLayout {
            switch self {
            case .llada8b: LLaDAArchitecture().huggingFaceLayout
            case .lladaMoE7b: LLaDAMoEArchitecture().huggingFaceLayout
            case .llada2Mini: LLaDA2Architecture().huggingFaceLayout
            }
        }
    }

    @Option(help: "A model folder (config.json + *.safetensors) or a .gguf file.") var model: String?
    @Option(help: "Random weights of a known model's shapes instead of a checkpoint: llada-8b, llada-moe-7b or llada2-mini.")
    var synthetic: Synthetic?
    @Option(help: "Blocks to build with --synthetic.") var layers = 2
    @Option(help: "Canvas length (prompt + generation).") var tokens = 256
    @Option(help: "Positions whose logits are computed, the canvas's last ones (the decoder asks only for masked ones); default: all.")
    var logitRows: Int?
    @Option(help: "Worker threads.") var threads = ProcessInfo.processInfo.activeProcessorCount
    @Option(help: "Timed passes (after one warm-up).") var repeats = 2
    @Option(help: "Block length of the timed prefix and dual cache steps (0: skip them).") var block = 32
    @Option(help: "Stored precision of the --synthetic weights: bf16, f16, f32, q8_0, q4_0, q4_k, q5_k or q6_k.")
    var weights: WeightDType = .bf16
    @Flag(help: "Multiply quantised weights exactly (dequantised to fp32) instead of in int8.")
    var exactMatmul = false

    func validate() throws {
        guard (model == nil) != (synthetic == nil) else {
            throw ValidationError("give exactly one of --model PATH or --synthetic llada-8b|llada-moe-7b|llada2-mini")
        }
        try FlagBounds.check("--tokens", tokens, FlagBounds.benchTokens)
        try FlagBounds.check("--threads", threads, FlagBounds.threads)
        try FlagBounds.check("--repeats", repeats, FlagBounds.repeats)
        try FlagBounds.check("--layers", layers, 1...ModelBounds.maxLayers)
        if let logitRows, logitRows < 0 || logitRows > tokens {
            throw ValidationError("--logit-rows must be between 0 and --tokens")
        }
        guard block >= 0, block <= tokens else { throw ValidationError("--block must be between 0 and --tokens") }
    }

    func run() throws {
        MatmulMode.current = exactMatmul ? .exact : .int8
        let loaded: TransformerModel
        let fullDepth: Int
        if let model {
            loaded = try ModelLocation(model).model(threads: threads)
            fullDepth = loaded.config.nLayers
        } else {
            let config = synthetic!.config(layers: layers)
            fprint("building \(layers) random \(weights.rawValue) blocks of \(synthetic!.rawValue) shapes…")
            let weights = try TransformerWeights(config: config, source: SyntheticWeights(dtype: weights),
                                                 layout: synthetic!.layout)
            loaded = TransformerModel(config: config, weights: weights, threads: threads)
            fullDepth = synthetic!.fullDepth
        }
        let config = loaded.config
        var generator = SplitMix64(seed: 3)
        let canvas = (0..<tokens).map { _ in Int(generator.next() % UInt64(config.vocabSize)) }
        let positions = Array((tokens - (logitRows ?? tokens))..<tokens)

        let cpuStart = processCPUSeconds()
        let times = try timeForwards { _ = try loaded.logits(tokens: canvas, positions: positions, timing: $0) }
        // Warm-up included; on a shared machine CPU time moves less than wall time.
        let cpuPerStep = (processCPUSeconds() - cpuStart) / Double(repeats + 1)

        let d = Double(config.dModel), t = Double(tokens), kv = Double(config.nKVHeads * config.headDim)
        // A mixture of experts runs k of its MLPs per token, plus the router and any shared expert
        // (a typical block: LLaDA2's leading dense blocks are counted as mixtures).
        let mlps = Double(config.experts?.perToken ?? 1), router = Double(config.experts?.count ?? 0)
        let shared = Double(config.experts?.sharedHiddenSize ?? 0)
        let blockFlop = 2 * t * (2 * d * d + 2 * d * kv + 3 * d * (Double(config.mlpHiddenSize) * mlps + shared) + d * router)
            + 4 * t * t * d
        let headFlop = 2 * Double(positions.count) * d * Double(config.embeddingSize)
        let perBlock = median(times.blocks), head = median(times.heads), step = median(times.totals)
        let measuredFlop = blockFlop * Double(config.nLayers) + headFlop
        let fullStep = step - perBlock * Double(config.nLayers) + perBlock * Double(fullDepth)

        print("forward \(model ?? "synthetic \(synthetic!.rawValue)"): \(config.nLayers) blocks, "
            + "\(tokens) tokens, logits for \(positions.count) positions, threads \(threads)")
        print(String(format: "per block  %8.1f ms  (%.1f GFLOP/s)", perBlock * 1e3, blockFlop / perBlock / 1e9))
        print(String(format: "head       %8.1f ms  (%.1f GFLOP/s)", head * 1e3, headFlop / max(head, 1e-9) / 1e9))
        print(String(format: "step       %8.1f ms  measured (%d blocks); %.1f core-seconds of CPU per step",
                     step * 1e3, config.nLayers, cpuPerStep))
        if fullDepth != config.nLayers {
            print(String(format: "step       %8.1f ms  extrapolated to %d blocks", fullStep * 1e3, fullDepth))
        }
        if block > 0 { try timeCachedSteps(loaded, canvas: canvas, positions: positions, exactStep: fullStep, fullDepth: fullDepth) }
        if let peak = peakResidentBytes() { print("peak RSS   \(humanBytes(peak))") }
        print(String(format: "gflops=%.1f", measuredFlop / step / 1e9))
    }
}

extension BenchForwardCommand {
    /// Prefix: the block and everything after it; dual: the block alone. Both attend to a cache
    /// filled by one full forward, as Fast-dLLM's steps inside a block do. Compared with the exact
    /// step at the full depth (extrapolated like it for a synthetic model).
    private func timeCachedSteps(_ model: TransformerModel, canvas: [Int], positions: [Int], exactStep: Double, fullDepth: Int) throws {
        let cache = KVCache(rows: canvas.count, config: model.config)
        _ = try model.logits(tokens: canvas, positions: [], filling: cache)
        let start = canvas.count / 2 / block * block
        for (name, window) in [("prefix", start..<canvas.count), ("dual", start..<min(canvas.count, start + block))] {
            let rows = positions.filter(window.contains)
            let times = try timeForwards { _ = try model.logits(tokens: canvas, window: window, positions: rows, cache: cache, timing: $0) }
            let measured = median(times.totals), perBlock = median(times.blocks)
            let step = measured + perBlock * Double(fullDepth - model.config.nLayers)
            let label = ("step " + name).padding(toLength: 11, withPad: " ", startingAt: 0)
            let depth = fullDepth == model.config.nLayers ? "" : String(format: " extrapolated to %d blocks", fullDepth)
            print(label + String(format: "%8.1f ms", step * 1e3) + depth
                + String(format: " (%d-row window, logits for %d rows): %.1f× faster than the exact step",
                         window.count, rows.count, exactStep / step))
        }
    }

    /// Seconds of `repeats` runs of `forward` after one warm-up: each block, the head, the whole run.
    private func timeForwards(_ forward: (@escaping (ForwardPhase, Double) -> Void) throws -> Void) throws -> ForwardTimes {
        try forward { _, _ in }
        var times = ForwardTimes()
        for _ in 0..<repeats {
            let start = DispatchTime.now().uptimeNanoseconds
            try forward { phase, seconds in
                switch phase {
                case .block: times.blocks.append(seconds)
                case .head: times.heads.append(seconds)
                case .embedding: break
                }
            }
            times.totals.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return times
    }
}

private struct ForwardTimes {
    var blocks: [Double] = [], heads: [Double] = [], totals: [Double] = []
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    return values.sorted()[values.count / 2]
}

/// Progress and notes go to stderr so stdout stays machine-readable.
func fprint(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
