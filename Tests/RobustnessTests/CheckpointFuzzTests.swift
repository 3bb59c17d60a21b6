import Foundation
import Kernels
import Models
import XCTest

/// Mutated checkpoints (safetensors, GGUF, config.json) through the loaders a command uses: the
/// file's parser, the hyperparameters, the weights, the tokenizer, and one forward whose rows go
/// through the softmax statistics that pick tokens.
final class CheckpointFuzzTests: XCTestCase {
    /// What `dscope decode` does with a model before its first step.
    private func loadAndProbe(_ path: String) throws {
        let model = try ModelLocation(path).model(threads: 1)
        let tokens = (0..<4).map { $0 % max(1, model.config.vocabSize) }
        let logits = try model.logits(tokens: tokens, positions: Array(tokens.indices))
        for row in 0..<logits.rows {
            logits.values.withUnsafeBufferPointer { values in
                let statistics = SoftmaxStatistics(logits: values.baseAddress! + row * logits.columns, count: logits.columns)
                XCTAssertTrue((0..<logits.columns).contains(statistics.topId), "top id \(statistics.topId) of \(path)")
            }
        }
    }

    func testMutatedSafetensorsLoadOrFailCleanly() throws {
        let seed = FuzzSeeds.models.appendingPathComponent("llada-bf16")
        let original = try FuzzSeeds.bytes(seed.appendingPathComponent("model.safetensors"))
        let headerLength = Int(original[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
        let header = String(decoding: original[8..<(8 + headerLength)], as: UTF8.self)
        let folder = try scratchFolder(self)
        try FileManager.default.copyItem(at: seed.appendingPathComponent("config.json"),
                                         to: folder.appendingPathComponent("config.json"))
        let file = folder.appendingPathComponent("model.safetensors")

        FuzzHarness(format: "safetensors", cases: 250).run(mutate: { mutator -> [UInt8] in
            var bytes = original
            switch mutator.below(5) {
            case 0, 1:
                // A header that still parses as far as its length goes, with an extreme number or string.
                let mutated = Array(mutator.mutateJSON(header).utf8)
                var length = UInt64(mutated.count)
                let lengthBytes = (0..<8).map { _ -> UInt8 in defer { length >>= 8 }; return UInt8(truncatingIfNeeded: length) }
                bytes = lengthBytes + mutated + original[(8 + headerLength)...]
            case 2:
                mutator.setInteger(&bytes, at: 0, width: 8)
            case 3:
                mutator.flipBits(&bytes, count: 1 + mutator.below(8), within: 0..<(8 + headerLength))
            default:
                bytes = mutator.truncate(bytes)
            }
            return bytes
        }, load: { bytes in
            try Data(bytes).write(to: file)
            _ = try SafetensorsFile(path: file.path)
            try loadAndProbe(folder.path)
        })
    }

    func testMutatedGGUFLoadOrFailCleanly() throws {
        let original = try FuzzSeeds.bytes(FuzzSeeds.models.appendingPathComponent("gguf-llada-q4_0/model.gguf"))
        let layout = GGUFFields(original)
        XCTAssertGreaterThan(layout.fields.count, 100, "the walker read the fixture's header")
        let scalars = layout.fields.filter { !$0.inArray }
        let file = try scratchFolder(self).appendingPathComponent("model.gguf")

        FuzzHarness(format: "gguf", cases: 300).run(mutate: { mutator -> [UInt8] in
            var bytes = original
            switch mutator.below(6) {
            case 0, 1, 2:
                // One to three numeric header fields (counts, lengths, hyperparameters, dimensions) set to extremes.
                for _ in 0..<(1 + mutator.below(3)) {
                    let field = mutator.below(4) == 0 ? mutator.pick(layout.fields) : mutator.pick(scalars)
                    if field.kind == .float {
                        mutator.setFloat(&bytes, at: field.offset, width: field.width)
                    } else {
                        mutator.setInteger(&bytes, at: field.offset, width: field.width)
                    }
                }
            case 3:
                mutator.flipBits(&bytes, count: 1 + mutator.below(8), within: 0..<layout.headerEnd)
            case 4:
                // Control bytes in a name or string value (lengths unchanged).
                let start = 24 + mutator.below(max(1, layout.headerEnd - 24))
                for (offset, byte) in [0x1B, 0x5D, 0x30, 0x3B, 0x07, 0x00, 0x9B].enumerated() where start + offset < bytes.count {
                    bytes[start + offset] = UInt8(byte)
                }
            default:
                bytes = mutator.truncate(bytes)
            }
            return bytes
        }, load: { bytes in
            try Data(bytes).write(to: file)
            let gguf = try GGUFFile(path: file.path)
            _ = try GGUFHyperparameters.read(gguf)
            let tokenizer = try BPETokenizer(gguf: gguf)
            _ = tokenizer.decode(try tokenizer.encode("Tom has 3 apples. How many?"))
            try loadAndProbe(file.path)
        })
    }

    func testMutatedConfigJSONLoadsOrFailsCleanly() throws {
        let folder = try scratchFolder(self)
        let seeds = ["llada-bf16", "dream-bf16"]
        var configs: [String: String] = [:]
        for name in seeds {
            let seed = FuzzSeeds.models.appendingPathComponent(name)
            let model = folder.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
            for item in try FileManager.default.contentsOfDirectory(atPath: seed.path)
            where item.hasSuffix(".safetensors") && item != "expected.safetensors" || item.hasPrefix("tokenizer") {
                try FileManager.default.createSymbolicLink(at: model.appendingPathComponent(item),
                                                           withDestinationURL: seed.appendingPathComponent(item))
            }
            configs[name] = try FuzzSeeds.text(seed.appendingPathComponent("config.json"))
        }

        FuzzHarness(format: "config", cases: 250).run(mutate: { mutator -> (String, String) in
            let name = mutator.pick(seeds)
            return (name, mutator.mutateJSON(configs[name]!))
        }, load: { name, config in
            let model = folder.appendingPathComponent(name)
            try config.write(to: model.appendingPathComponent("config.json"), atomically: false, encoding: .utf8)
            _ = try ArchitectureRegistry.configuration(folder: model.path)
            try loadAndProbe(model.path)
        })
    }
}
