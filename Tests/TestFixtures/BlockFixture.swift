import Foundation
import Models

/// tools/fixtures-block (tools/make_block_fixtures.py): random checkpoints of the block-diffusion
/// families in the official layout, with the PyTorch references' logits and decode traces.
public enum BlockFixture {
    public static func folder(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/fixtures-block/\(name)").path
    }

    /// expected.json's top level.
    public static func expected(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: folder(name) + "/expected.json"))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// The checkpoint with config.json naming the mask id of expected.json: the tiny vocabularies
    /// put it at their top, where a real tokenizer's `<|MASK|>` (which the fixture lacks) would not be.
    public static func loadableFolder(_ name: String) throws -> String {
        let source = folder(name)
        let target = NSTemporaryDirectory() + "dscope-block-\(name)-\(ProcessInfo.processInfo.processIdentifier)"
        let manager = FileManager.default
        if !manager.fileExists(atPath: target + "/config.json") {
            try manager.createDirectory(atPath: target, withIntermediateDirectories: true)
            for file in ["model.safetensors", "generation_config.json"] where manager.fileExists(atPath: source + "/" + file) {
                try? manager.createSymbolicLink(atPath: target + "/" + file, withDestinationPath: source + "/" + file)
            }
            var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as! [String: Any]
            config["mask_token_id"] = try expected(name)["mask_token_id"] as! Int
            try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: target + "/config.json"))
        }
        return target
    }

    /// The fixture's model, loaded as `dscope` would (its mask id named in config.json).
    public static func model(_ name: String, threads: Int = 2) throws -> TransformerModel {
        try TransformerModel(folder: loadableFolder(name), threads: threads)
    }

    /// logits.safetensors: the ids, one forward of all of them under the block mask, and the last
    /// block against an exact cache of the rest.
    public static func logits(_ name: String) throws -> (ids: [Int], full: [Float], step: [Float], columns: Int) {
        let file = try SafetensorsFile(path: folder(name) + "/logits.safetensors")
        let ids = file.tensors["ids"]!, full = file.tensors["full_fp32"]!, step = file.tensors["step_fp32"]!
        return (ids.bytes.bindMemory(to: Int64.self).map { Int($0) }, Array(full.bytes.bindMemory(to: Float.self)),
                Array(step.bytes.bindMemory(to: Float.self)), full.shape[1])
    }
}
