import Foundation
@testable import Models

/// Paths into the committed fixtures (tools/make_llada_fixtures.py writes them).
enum Fixture {
    static func path(_ relative: String) -> String {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relative).path
    }

    /// input_ids and logits the PyTorch reference computed for a checkpoint folder.
    static func expected(_ folder: String) throws -> (ids: [Int], logits: [Float], columns: Int) {
        let file = try SafetensorsFile(path: path(folder + "/expected.safetensors"))
        let ids = file.tensors["input_ids"]!, logits = file.tensors["logits"]!
        return (ids.bytes.bindMemory(to: Int32.self).map { Int($0) },
                Array(logits.bytes.bindMemory(to: Float.self)),
                logits.shape[1])
    }
}
