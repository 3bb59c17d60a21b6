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

    func run() throws {
        switch try ModelLocation(path).format {
        case .huggingFaceFolder(let folder):
            try describeFolder(folder)
        case .ggufFile(let file):
            try describeGGUF(file)
        }
    }

    private func describeFolder(_ folder: String) throws {
        let config = try LLaDAConfig.load(folder: folder)
        let checkpoint = try SafetensorsCheckpoint(folder: folder)
        _ = try LLaDAWeights(config: config, source: checkpoint, layout: .huggingFace(for: config))

        print("model         \(folder)")
        describe(config)
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
        _ = try LLaDAWeights(config: config, source: GGUFCheckpoint(file: file), layout: layout)
        describe(config)
        print("q/k rows      \(layout.rotaryPairing == .adjacent ? "permuted by llama.cpp (rotated as adjacent pairs)" : "rotate-half order")")
    }

    /// What dscope will run, from either format.
    private func describe(_ config: LLaDAConfig) {
        print("architecture  \(config.modelType.terminalSafe()): \(config.nLayers) layers, d_model \(config.dModel), "
            + "\(config.nHeads) heads (\(config.nKVHeads) kv), head dim \(config.headDim), "
            + "mlp \(config.mlpHiddenSize), rope θ \(formatNumber(config.ropeTheta))"
            + (config.qkvBias ? ", q/k/v bias" : ""))
        print("vocabulary    \(config.vocabSize) (embedding rows \(config.embeddingSize)), "
            + "max length \(config.maxSequenceLength)")
        print("special ids   mask \(config.maskTokenId), eos \(config.eosTokenId)"
            + (config.padTokenId.map { ", pad \($0)" } ?? ""))
        print("head          \(config.weightTying ? "tied to the embedding" : "separate")")
        print("logits        \(config.shiftsLogits ? "shifted: position i reads row i − 1" : "in place: position i reads row i")")
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

func formatNumber(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
}
