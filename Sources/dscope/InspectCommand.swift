import ArgumentParser
import Foundation
import Models

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a model: architecture, parameter count, dtypes, special ids, files.",
        discussion: """
        A folder is read as a Hugging Face checkpoint (config.json + *.safetensors); a file as a \
        llama.cpp GGUF file, whose format, metadata and tensor types are shown even when its \
        architecture is not one dscope runs.
        """
    )

    @Argument(help: "A Hugging Face model folder (config.json + *.safetensors) or a .gguf file.")
    var path: String

    @Flag(name: .customLong("check-weights"),
          help: "Scan every tensor for NaN and infinite values (reads the whole checkpoint); exit 1 naming the first bad tensor.")
    var checkWeights = false

    func run() throws {
        if path.lowercased().hasSuffix(".safetensors") {
            throw InspectCommandError.safetensorsFile(path: path)
        }
        switch try ModelLocation(path).format {
        case .huggingFaceFolder(let folder):
            try describeFolder(folder)
        case .ggufFile(let file):
            try describeGGUF(file)
        }
    }

    private func describeFolder(_ folder: String) throws {
        let configuration = try ArchitectureRegistry.configuration(folder: folder)
        let checkpoint = try SafetensorsCheckpoint(folder: folder)
        let weights = try TransformerWeights(config: configuration.transformer, source: checkpoint, layout: configuration.layout)

        print("model         \(folder)")
        describe(configuration.transformer)
        print("parameters    \(grouped(checkpoint.parameterCount)) (\(humanCount(checkpoint.parameterCount)))")
        let dtypes = checkpoint.dtypeCounts.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) × \($0.value)" }.joined(separator: ", ")
        print("dtypes        \(dtypes) tensors")
        var total = 0
        for (index, file) in checkpoint.files.enumerated() {
            let name = (file.path as NSString).lastPathComponent
            print("\(index == 0 ? "files         " : "              ")\(name)  \(grouped(file.fileBytes)) bytes")
            total += file.fileBytes
        }
        print("              total \(grouped(total)) bytes (\(humanBytes(total)))")
        try checkWeightsIfAsked(weights, config: configuration.transformer, layout: configuration.layout, path: folder)
    }

    /// The file's own facts first, so that a model dscope cannot run is still described.
    private func describeGGUF(_ file: GGUFFile) throws {
        print("model         \(file.path)")
        print("format        GGUF v\(file.version), \(file.metadata.count) metadata keys, "
            + "\(file.tensors.count) tensors, data aligned to \(file.alignment) bytes")
        if let name = file.metadata["general.name"]?.string { print("name          \(name.terminalSafe())") }
        if let tokenizer = file.metadata["tokenizer.ggml.model"]?.string {
            let pre = file.metadata["tokenizer.ggml.pre"]?.string.map { " (pre \($0.terminalSafe()))" } ?? ""
            let tokens = file.metadata["tokenizer.ggml.tokens"]?.array?.count ?? 0
            let merges = file.metadata["tokenizer.ggml.merges"]?.array?.count ?? 0
            print("tokenizer     \(tokenizer.terminalSafe())\(pre), \(grouped(tokens)) tokens, \(grouped(merges)) merges")
        }
        let parameters = file.tensors.reduce(0) { $0 + $1.elementCount }
        print("parameters    \(grouped(parameters)) (\(humanCount(parameters)))")
        var typeCounts: [String: Int] = [:]
        for tensor in file.tensors { typeCounts[tensor.type.name, default: 0] += 1 }
        let types = typeCounts.sorted { $0.key < $1.key }.map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
        print("tensor types  \(types) tensors")
        print("file          \(grouped(file.fileBytes)) bytes (\(humanBytes(file.fileBytes)))")

        let (config, layout) = try GGUFHyperparameters.read(file)
        let weights = try TransformerWeights(config: config, source: GGUFCheckpoint(file: file), layout: layout)
        describe(config)
        print("q/k rows      \(layout.rotaryPairing == .adjacent ? "permuted by llama.cpp (rotated as adjacent pairs)" : "rotate-half order")")
        try checkWeightsIfAsked(weights, config: config, layout: layout, path: file.path)
    }

    /// With --check-weights: every tensor scanned, progress on stderr (an 8B model takes a while).
    private func checkWeightsIfAsked(_ weights: TransformerWeights, config: TransformerConfig, layout: TensorLayout, path: String) throws {
        guard checkWeights else { return }
        var progress: ProgressLine?
        let finding = WeightCheck.firstNonFinite(weights, config: config, layout: layout) { done, total, name in
            if progress == nil { progress = ProgressLine(total: total) }
            progress?.update(done: done, detail: name)
        }
        progress?.finish()
        if let finding { throw InspectError.nonFiniteWeights(path: path, finding: finding) }
        print("weights       every tensor finite (no NaN or infinity)")
    }

    /// What dscope will run, from either format.
    private func describe(_ config: TransformerConfig) {
        print("architecture  \(config.architecture): \(config.nLayers) layers, d_model \(config.dModel), "
            + "\(config.nHeads) heads (\(config.nKVHeads) kv), head dim \(config.headDim), "
            + "mlp \(config.mlpHiddenSize), rope θ \(formatNumber(config.ropeTheta))"
            + (config.traits.qkvBias ? ", q/k/v bias" : "") + (config.traits.qkNorm ? ", q/k head norm" : "")
            + (config.traits.rotaryDimensions.map { ", rope on \($0) of \(config.headDim) dims" } ?? "")
            + (config.traits.outputBias ? ", output bias" : ""))
        if let block = config.blockLength {
            print("attention     block-causal, blocks of \(block) (exact KV cache of committed blocks)")
        }
        if let experts = config.experts {
            let router = switch experts.router ?? .softmax {
            case .softmax: "softmax router"
            case let .groupedSigmoid(groups, kept, scale): "sigmoid router, best \(kept) of \(groups) groups, × \(formatNumber(Double(scale)))"
            }
            print("experts       \(experts.count) per block, \(experts.perToken) per token (\(router)), expert mlp \(config.mlpHiddenSize)"
                + (experts.sharedHiddenSize.map { ", shared expert mlp \($0)" } ?? "")
                + (experts.leadingDenseLayers.flatMap { $0 > 0 ? ", first \($0) blocks dense (mlp \(experts.denseHiddenSize ?? 0))" : nil } ?? ""))
        }
        print("vocabulary    \(config.vocabSize) (embedding rows \(config.embeddingSize)), "
            + "max length \(config.maxSequenceLength)")
        print("special ids   mask \(config.maskTokenId), eos \(config.eosTokenId)"
            + (config.padTokenId.map { ", pad \($0)" } ?? ""))
        print("head          \(config.weightTying ? "tied to the embedding" : "separate")")
        print("logits        \(config.traits.shiftsLogits ? "shifted: position i reads row i − 1" : "in place: position i reads row i")")
    }
}

func grouped(_ value: Int) -> String {
    let digits = String(value.magnitude)
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(ch)
    }
    return (value < 0 ? "-" : "") + out
}

func humanCount(_ value: Int) -> String {
    let v = Double(value)
    if v >= 1e9 { return String(format: "%.2f B", v / 1e9) }
    if v >= 1e6 { return String(format: "%.2f M", v / 1e6) }
    if v >= 1e3 { return String(format: "%.1f K", v / 1e3) }
    return "\(value)"
}

func humanBytes(_ value: Int) -> String {
    let v = Double(value)
    if v >= 1_073_741_824 { return String(format: "%.2f GiB", v / 1_073_741_824) }
    if v >= 1_048_576 { return String(format: "%.1f MiB", v / 1_048_576) }
    if v >= 1024 { return String(format: "%.1f KiB", v / 1024) }
    return "\(value) B"
}

/// Whole numbers without ".0"; anything Int cannot hold (≥ 2⁶³, ∞, NaN) as Double prints it.
func formatNumber(_ value: Double) -> String {
    guard value == value.rounded(), let whole = Int(exactly: value), abs(whole) < 1 << 53 else { return String(value) }
    return String(whole)
}

enum InspectError: UserFacingError {
    case nonFiniteWeights(path: String, finding: WeightCheck.Finding)

    var description: String {
        switch self {
        case let .nonFiniteWeights(path, finding):
            return "\(path): \(finding); every forward's logits would be NaN (re-download or re-convert the checkpoint)"
        }
    }
}

enum InspectCommandError: UserFacingError {
    case safetensorsFile(path: String)

    var description: String {
        switch self {
        case let .safetensorsFile(path):
            let folder = (path as NSString).deletingLastPathComponent
            return "\(path) is one weights file of a checkpoint; give the folder that holds it with config.json: dscope inspect \(folder.isEmpty ? "." : folder)"
        }
    }
}
