import Foundation

/// What the scope shows of the bundled model, read from the model's own files, so the end-to-end
/// tests hold for whichever export ships (a retrain changes the generation length).
enum BundledModelFacts {
    struct Unreadable: Error, CustomStringConvertible {
        var description: String
    }

    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/Models/Resources/tiny-arith")

    /// generation_config.json's `gen_length`: the canvas the scope opens with ("step 0/N").
    static func generationLength() throws -> Int {
        let url = folder.appendingPathComponent("generation_config.json")
        guard let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any],
              let length = object["gen_length"] as? Int else {
            throw Unreadable(description: "\(url.path): no integer gen_length")
        }
        return length
    }
}
