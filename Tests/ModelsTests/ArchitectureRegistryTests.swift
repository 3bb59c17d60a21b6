import XCTest
@testable import Models

/// One registry maps what a checkpoint says about itself to the architecture that runs it.
final class ArchitectureRegistryTests: XCTestCase {
    private func configJSON(_ text: String) throws -> ConfigJSON {
        let folder = NSTemporaryDirectory() + "registry-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        try text.write(toFile: folder + "/config.json", atomically: true, encoding: .utf8)
        return try ConfigJSON(folder: folder)
    }

    func testModelTypeNamesTheArchitectureCaseInsensitively() throws {
        XCTAssertEqual(try ArchitectureRegistry.architecture(of: configJSON(#"{"model_type": "Dream"}"#)).name, "dream")
        XCTAssertEqual(try ArchitectureRegistry.architecture(of: configJSON(#"{"model_type": "llada"}"#)).name, "llada")
        XCTAssertEqual(try ArchitectureRegistry.architecture(of: configJSON(#"{"model_type": "llada2_moe"}"#)).name, "llada2")
    }

    func testArchitecturesClassNameWinsOverASharedModelType() throws {
        let json = try configJSON(#"{"model_type": "llada", "architectures": ["DreamModel"]}"#)
        XCTAssertEqual(try ArchitectureRegistry.architecture(of: json).name, "dream")
    }

    func testUnknownModelTypeListsTheSupportedOnes() throws {
        let json = try configJSON(#"{"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}"#)
        XCTAssertThrowsError(try ArchitectureRegistry.architecture(of: json)) { error in
            XCTAssertTrue("\(error)".contains(#""gpt2" is not supported (supported: "llada", "dream", "lladamoe", "llada2_moe", "sdar", "fast_dllm_qwen")"#), "\(error)")
        }
    }

    func testEachNameIsAnsweredByOneArchitecture() {
        let classes = ArchitectureRegistry.all.flatMap(\.huggingFaceArchitectures)
        XCTAssertEqual(Set(classes).count, classes.count)
        XCTAssertEqual(Set(ArchitectureRegistry.modelTypes).count, ArchitectureRegistry.modelTypes.count)
    }

    func testEachGGUFArchitectureNameIsAnsweredOnce() {
        for name in ArchitectureRegistry.ggufArchitectures {
            XCTAssertEqual(ArchitectureRegistry.architecture(gguf: name)?.ggufArchitecture, name)
        }
        XCTAssertEqual(Set(ArchitectureRegistry.ggufArchitectures).count, ArchitectureRegistry.ggufArchitectures.count)
        XCTAssertNil(ArchitectureRegistry.architecture(gguf: "llama"))
    }

    func testFingerprintOfALLaDAConfigIsTheHashOfItsOwnKeys() throws {
        let folder = Fixture.path("llada-gqa")
        let configuration = try ArchitectureRegistry.configuration(folder: folder)
        let file = try ConfigJSON(folder: folder).decode(LLaDAConfig.self)
        XCTAssertEqual(configuration.fingerprint, ModelIdentity(id: folder, config: file).configHash)
        XCTAssertTrue(configuration.fingerprint.hasPrefix("fnv1a64:"))
    }
}
