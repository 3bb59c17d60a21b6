import Foundation
import XCTest
import Decoder
import Models
@testable import Remote

/// A server that dies mid-decode: the step fails with a message naming the server, the session
/// keeps every step so far, and a later step can still run once a server answers again.
final class ServerFailureTests: XCTestCase {
    func testAServerKilledMidDecodeFailsTheStepAndKeepsTheSession() throws {
        let folder = ServerProcess.repository.appendingPathComponent("Tests/DecoderTests/Fixtures/llada-tiny").path
        let server = try ServerProcess(["--model", folder])
        defer { server.stop() }
        let remote = try RemoteModel(address: server.address, token: nil, timeout: 20)
        let session = try DecodeSession(model: remote, promptIds: [5, 6, 7, 8], generationLength: 12,
                                        settings: DecodeSettings())
        for _ in 0..<3 { try session.step() }
        let canvas = session.canvas, history = session.history

        server.stop()
        XCTAssertThrowsError(try session.step()) { error in
            guard case RemoteModelError.unreachable = error else { return XCTFail("\(error)") }
            XCTAssertTrue("\(error)".contains(server.address), "\(error)")
        }
        XCTAssertEqual(session.history, history)
        XCTAssertEqual(session.canvas, canvas)
        XCTAssertFalse(session.isStepping)
    }
}
