import Foundation
import XCTest
@testable import TUI

/// Drives the ncurses backend through a pseudo-terminal, so no real terminal is needed.
final class NcursesTerminalTests: XCTestCase {
    private var master: Int32 = -1
    private var slave: Int32 = -1

    override func setUpWithError() throws {
        #if os(Linux)
        // posix_openpt and ptsname are not in Swift's Glibc module; these are their ioctls
        // (TIOCSPTLCK, TIOCGPTN from asm-generic/ioctls.h).
        let unlockRequest: UInt = 0x4004_5431, numberRequest: UInt = 0x8004_5430
        master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        var unlock: Int32 = 0, number: UInt32 = 0
        guard master >= 0, ioctl(master, unlockRequest, &unlock) == 0, ioctl(master, numberRequest, &number) == 0 else {
            throw XCTSkip("no pseudo-terminals here")
        }
        slave = open("/dev/pts/\(number)", O_RDWR | O_NOCTTY)
        XCTAssertGreaterThanOrEqual(slave, 0)
        #else
        throw XCTSkip("pseudo-terminal setup is written for Linux")
        #endif
        var size = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(master, UInt(TIOCSWINSZ), &size), 0)
    }

    override func tearDown() {
        close(master)
    }

    /// What the terminal sent, read until it has been quiet for 50 ms (or a second has passed).
    private func output() -> String {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(1)
        var poller = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        while Date() < deadline, poll(&poller, 1, 50) >= 0 {
            guard poller.revents & Int16(POLLIN) != 0 else {
                if bytes.isEmpty { continue } else { break }
            }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = read(master, &buffer, buffer.count)
            if count <= 0 { break }
            bytes += buffer.prefix(count)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress, $0.count - 1) }
    }

    /// With the scope's own signal handlers, as `ScopeApp` starts it.
    private func makeTerminal(term: String = "xterm-256color") throws -> NcursesTerminal {
        try NcursesTerminal.installSignalHandlers()
        return try NcursesTerminal(term: term, outputDescriptor: slave, inputDescriptor: dup(slave))
    }

    func testDrawsWideCharactersAndColoursThenOnlyWhatChanged() throws {
        let terminal = try makeTerminal()
        XCTAssertEqual(terminal.size.width, 80)
        XCTAssertEqual(terminal.size.height, 24)
        XCTAssertEqual(terminal.colorCount, 256)
        var frame = Screen(width: 80, height: 24)
        frame.put("hello 漢字", row: 2, column: 3, style: CellStyle(foreground: .indexed(196), attributes: .bold))
        terminal.draw(frame)
        let first = output()
        XCTAssertTrue(first.contains("hello 漢字"), first.debugDescription)
        XCTAssertTrue(first.contains("196"), "a 256-colour foreground")

        frame.put("x", row: 20, column: 70)
        terminal.draw(frame)
        let second = output()
        XCTAssertTrue(second.contains("x"))
        XCTAssertFalse(second.contains("hello"), "unchanged cells are not sent again")
        terminal.restore()
        _ = output()
    }

    func testReadsKeysEscapeSequencesAndTimeouts() throws {
        let terminal = try makeTerminal()
        _ = output()
        type("q")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .key(.character("q")))
        type("\u{1B}OC")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .key(.right), "keypad mode decodes arrows")
        type("漢")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .key(.character("漢")))
        type("\u{1B}")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .key(.escape), "Esc arrives after the short escape delay")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 30), .timeout)
        terminal.restore()
    }

    func testResizeIsReportedWithTheNewSize() throws {
        let terminal = try makeTerminal()
        var size = winsize(ws_row: 30, ws_col: 100, ws_xpixel: 0, ws_ypixel: 0)
        XCTAssertEqual(ioctl(master, UInt(TIOCSWINSZ), &size), 0)
        kill(getpid(), SIGWINCH)
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .resize(width: 100, height: 30))
        terminal.restore()
    }

    func testASignalIsAnsweredBeforeKeysTypedAroundIt() throws {
        let terminal = try makeTerminal()
        type("l")
        kill(getpid(), SIGTERM)
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .quitSignal(SIGTERM))
        // A quit signal gives the process one second to go; this test process goes on.
        alarm(0)
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .key(.character("l")), "the key stays for whoever asks next")
        kill(getpid(), SIGCONT)
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .resumed, "a continue redraws")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 30), .timeout)
        terminal.restore()
    }

    func testMouseClicksAndTheWheelArriveAsCells() throws {
        let terminal = try makeTerminal()
        _ = output()
        // xterm's SGR (1006) reports: press of button 0 at column 6, row 3 (1-based); wheel up, down.
        type("\u{1B}[<0;6;3M")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .click(row: 2, column: 5))
        type("\u{1B}[<64;1;1M")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .wheel(up: true))
        type("\u{1B}[<65;1;1M")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .wheel(up: false))
        terminal.restore()
    }

    func testX10MouseReportsAsTmuxSendsThem() throws {
        let terminal = try makeTerminal(term: "tmux-256color")
        _ = output()
        type("\u{1B}[M *#")
        XCTAssertEqual(terminal.nextInput(timeoutMillis: 500), .click(row: 2, column: 9))
        terminal.restore()
    }

    func testRefusesPipesAndDumbTerminalsPointingAtTheHeadlessCommand() {
        XCTAssertThrowsError(try NcursesTerminal.checkInteractive(environment: ["TERM": "xterm"], inputIsTTY: true,
                                                                   outputIsTTY: false)) { error in
            XCTAssertEqual(error as? TerminalError, .notATerminal(stream: "standard output"))
            XCTAssertTrue("\(error)".contains("dscope decode"))
        }
        XCTAssertThrowsError(try NcursesTerminal.checkInteractive(environment: ["TERM": "dumb"], inputIsTTY: true,
                                                                   outputIsTTY: true)) { error in
            XCTAssertEqual(error as? TerminalError, .dumbTerminal(term: "dumb"))
            XCTAssertTrue("\(error)".contains("dscope decode"))
        }
        XCTAssertThrowsError(try NcursesTerminal.checkInteractive(environment: [:], inputIsTTY: true, outputIsTTY: true)) {
            XCTAssertTrue("\($0)".contains("TERM is not set"))
        }
        XCTAssertNoThrow(try NcursesTerminal.checkInteractive(environment: ["TERM": "xterm-256color"], inputIsTTY: true,
                                                               outputIsTTY: true))
    }

    func testUnknownTerminalIsATypedErrorNotAnExit() {
        XCTAssertThrowsError(try NcursesTerminal(term: "no-such-terminal", outputDescriptor: slave,
                                                 inputDescriptor: dup(slave))) { error in
            XCTAssertEqual(error as? TerminalError, .cannotStart(term: "no-such-terminal"))
        }
    }
}
