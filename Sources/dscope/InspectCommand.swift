import ArgumentParser
import Foundation
import Models

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Describe a model folder: architecture, parameter count, dtypes, special ids, files."
    )

    @Argument(help: "A Hugging Face model folder (config.json + *.safetensors).")
    var path: String

    func run() throws {
        let config = try LLaDAConfig.load(folder: path)
        let checkpoint = try SafetensorsCheckpoint(folder: path)
        _ = try LLaDAWeights(config: config, source: checkpoint)

        print("model         \(path)")
        print("architecture  \(config.modelType): \(config.nLayers) layers, d_model \(config.dModel), "
            + "\(config.nHeads) heads (\(config.nKVHeads) kv), head dim \(config.headDim), "
            + "mlp \(config.mlpHiddenSize), rope θ \(formatNumber(config.ropeTheta))")
        print("vocabulary    \(config.vocabSize) (embedding rows \(config.embeddingSize)), "
            + "max length \(config.maxSequenceLength)")
        print("special ids   mask \(config.maskTokenId), eos \(config.eosTokenId)"
            + (config.padTokenId.map { ", pad \($0)" } ?? ""))
        print("head          \(config.weightTying ? "tied to the embedding" : "separate (ff_out)")")
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
