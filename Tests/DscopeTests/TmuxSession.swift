import Foundation
import XCTest

/// A detached tmux session of fixed size running one command, on a private server so that the
/// user's own tmux is never touched: the terminal a user would run dscope in, driven by keys and
/// read back as text.
final class TmuxSession {
    private let socket: String
    /// The server leaves its socket file behind when it exits.
    private var socketPath: String?
    private let name = "dscope"
    private static let tmuxPath = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux"]
        .first(where: FileManager.default.isExecutableFile(atPath:))

    static var isAvailable: Bool { tmuxPath != nil }

    /// `-u` keeps captures UTF-8 whatever the test runner's locale; `-f /dev/null` ignores user config.
    init(width: Int, height: Int, command: String) throws {
        socket = "dscope-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try startServer(["-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", command])
        socketPath = try tmux(["display-message", "-p", "#{socket_path}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    deinit {
        _ = try? tmux(["kill-server"])
        if let socketPath { try? FileManager.default.removeItem(atPath: socketPath) }
    }

    /// Keys as tmux names them ("l", "Escape", "C-c"); each goes as its own keystroke.
    func send(_ keys: String...) throws {
        for key in keys { try tmux(["send-keys", "-t", name, key]) }
    }

    /// Bytes typed as they are (an escape sequence, e.g. a mouse report), not as key names.
    func sendLiteral(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    func capture() throws -> String {
        try tmux(["capture-pane", "-p", "-t", name])
    }

    /// Polls the screen until `condition` holds; fails with the last screen after `seconds`.
    @discardableResult
    func waitFor(_ what: String, seconds: Double = 30, file: StaticString = #filePath, line: UInt = #line,
                 _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture()
            if condition(screen) { return screen }
            Thread.sleep(forTimeInterval: 0.05)
        }
        XCTFail("timed out waiting for \(what); the screen was:\n\(screen)", file: file, line: line)
        throw TmuxError.timeout(what)
    }

    /// The first client forks the server, which would inherit Foundation.Process's descriptors
    /// (on Linux one of them tells Process that the child is gone, so waitUntilExit would wait
    /// for the server); a bare posix_spawn with the standard streams on /dev/null hands it nothing.
    private func startServer(_ arguments: [String]) throws {
        let argv = ([Self.tmuxPath!, "-u", "-L", socket] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for descriptor: Int32 in 0...2 {
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", descriptor == 0 ? O_RDONLY : O_WRONLY, 0)
        }
        var pid = pid_t()
        guard posix_spawn(&pid, Self.tmuxPath!, &actions, nil, argv, environ) == 0 else {
            throw TmuxError.failed(arguments, "posix_spawn failed")
        }
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        guard status == 0 else { throw TmuxError.failed(arguments, "exit status \(status)") }
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.tmuxPath!)
        process.arguments = ["-u", "-L", socket] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard process.terminationStatus == 0 else { throw TmuxError.failed(arguments, text) }
        return text
    }

    enum TmuxError: Error {
        case timeout(String)
        case failed([String], String)
    }
}
