import Foundation
import XCTest

extension XCTestCase {
    /// The fixture with its mask id in config.json (the tiny vocabulary has no `<|MASK|>` 151669).
    func blockFixture(_ name: String, maskId: Int) throws -> String {
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("tools/fixtures-block/\(name)").path
        let target = NSTemporaryDirectory() + "dscope-cli-\(name)-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: target) }
        for file in ["model.safetensors", "generation_config.json"] where FileManager.default.fileExists(atPath: source + "/" + file) {
            try FileManager.default.createSymbolicLink(atPath: target + "/" + file, withDestinationPath: source + "/" + file)
        }
        var config = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: source + "/config.json"))) as! [String: Any]
        config["mask_token_id"] = maskId
        try JSONSerialization.data(withJSONObject: config).write(to: URL(fileURLWithPath: target + "/config.json"))
        return target
    }
}
