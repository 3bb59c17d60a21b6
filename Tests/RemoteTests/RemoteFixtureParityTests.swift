import Kernels
import Foundation
import XCTest
import Decoder
import DecoderTestFixtures
import Models
@testable import Remote

/// The random-weight LLaDA and Dream fixtures served by dscope-server: every case of the decoder's
/// reference parity file (written by the PyTorch reference loop, tools/make_decoder_fixtures.py)
/// decodes to the same tokens and step map remotely; Dream (shifted logits) decodes as dscope's
/// own forward and the reference loop do.
final class RemoteFixtureParityTests: XCTestCase {
    // Against fp32 references: the exact matmul (bf16 weights take vdpbf16ps otherwise, where the
    // CPU has AVX512-BF16; BF16DotForwardTests measures that path's distance).
    override func setUp() {
        MatmulMode.current = .exact
    }

    override func tearDown() {
        MatmulMode.current = .fast
    }

    private static let repository = ServerProcess.repository

    func testEveryReferenceParityCaseDecodesIdenticallyThroughTheServer() throws {
        let folder = Self.repository.appendingPathComponent("Tests/DecoderTests/Fixtures")
        let fixture = try ParityFile<ReferenceParityCase>(contentsOf: folder.appendingPathComponent("parity.json"))
        let server = try ServerProcess(["--model", folder.appendingPathComponent(fixture.checkpoint).path])
        defer { server.stop() }
        let remote = try RemoteModel(address: server.address, token: nil, timeout: 60)
        XCTAssertGreaterThanOrEqual(fixture.cases.count, 8)
        for parity in fixture.cases {
            let session = try DecodeSession(model: remote, promptIds: parity.prompt_ids,
                                            generationLength: parity.gen_length, settings: parity.settings)
            try session.runToEnd()
            XCTAssertEqual(session.canvas.generatedIds, parity.expected_ids, "tokens of \(parity.name)")
            XCTAssertEqual(session.canvas.stepMap, parity.expected_step_map, "step map of \(parity.name)")
        }
    }

    func testDreamDecodesThroughTheServerAsLocallyAndInTheReferenceLoop() throws {
        let folder = Self.repository.appendingPathComponent("Tests/ModelsTests/Fixtures/dream-bf16").path
        let server = try ServerProcess(["--model", folder])
        defer { server.stop() }
        let remote = try RemoteModel(address: server.address, token: nil, timeout: 60)
        XCTAssertTrue(remote.shiftsLogits)
        let local = try TransformerModel(folder: folder, threads: 1)
        let prompts = [[5, 17, 300, 42, 9], [800, 1, 2, 3, 4, 5, 6, 7]], length = 24, blockLengths = [1, 8]
        let reference = try PythonReference.greedyDecodes(folder: folder, prompts: prompts, generationLength: length,
                                                          blockLengths: blockLengths)
        for (blockLength, decodes) in zip(blockLengths, reference) {
            for (prompt, expected) in zip(prompts, decodes) {
                let settings = DecodeSettings(order: .confidence, blockLength: blockLength)
                var ids: [[Int]] = []
                for model in [remote, local] as [DenoisingModel] {
                    let session = try DecodeSession(model: model, promptIds: prompt, generationLength: length, settings: settings)
                    try session.runToEnd()
                    ids.append(session.canvas.generatedIds)
                }
                XCTAssertEqual(ids[0], expected, "remote vs reference loop, block \(blockLength), prompt \(prompt)")
                XCTAssertEqual(ids[0], ids[1], "remote vs local, block \(blockLength), prompt \(prompt)")
            }
        }
    }
}
