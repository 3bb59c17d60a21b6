import Foundation
import XCTest

/// A dscope-server started from this checkout's server/ folder on a free port, for one test
/// class; `stop()` kills it. Tests skip (with the reason) where PyTorch is not installed.
final class ServerProcess {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let process: Process
    let address: String
    private let log: URL

    /// Throws XCTSkip when `python3 -c "import torch"` fails.
    static func requireTorch() throws {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        probe.arguments = ["python3", "-c", "import torch, numpy, safetensors"]
        probe.standardOutput = FileHandle.nullDevice
        probe.standardError = FileHandle.nullDevice
        do { try probe.run() } catch { throw XCTSkip("python3 is not installed; dscope-server needs it (and torch)") }
        probe.waitUntilExit()
        guard probe.terminationStatus == 0 else {
            throw XCTSkip("PyTorch is not installed (python3 -c \"import torch\" fails); .ci/run installs it")
        }
    }

    /// `python3 -m dscope_server.cli ARGUMENTS --port 0 --threads 1`; waits for its ready line.
    init(_ arguments: [String]) throws {
        try Self.requireTorch()
        log = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-server-test-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)   // FileHandle(forWritingTo:) below throws if it failed
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "dscope_server.cli"] + arguments + ["--port", "0", "--threads", "1"]
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = Self.repository.appendingPathComponent("server").path
        environment.removeValue(forKey: "DSCOPE_SERVER_TOKEN")
        process.environment = environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: log)
        try process.run()

        let ready = DispatchSemaphore(value: 0)
        let line = LineBox()
        DispatchQueue.global().async {
            var buffer = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                if let newline = buffer.firstIndex(of: 10) {
                    line.value = String(decoding: buffer[..<newline], as: UTF8.self)
                    break
                }
            }
            ready.signal()
        }
        _ = ready.wait(timeout: .now() + 180)
        guard let text = line.value, let range = text.range(of: "http://") else {
            process.terminate()
            process.waitUntilExit()
            let errors = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw ServerProcessError.didNotStart(String(errors.suffix(2000)))
        }
        address = String(text[range.lowerBound...])
    }

    var isRunning: Bool { process.isRunning }

    func stop() {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: log)
    }
}

enum ServerProcessError: Error, CustomStringConvertible {
    case didNotStart(String)

    var description: String { "dscope-server did not start: \(didNotStartText)" }

    private var didNotStartText: String {
        switch self { case .didNotStart(let log): return log }
    }
}

private final class LineBox: @unchecked Sendable {
    // @unchecked: written by the reader before it signals, read after the wait.
    var value: String?
}
