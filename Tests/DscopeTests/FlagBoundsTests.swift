import ArgumentParser
import XCTest
@testable import dscope

/// Every numeric flag is bounded in its command's validate(), before anything is allocated from
/// it: the error is one line naming the flag, the value and what is allowed.
final class FlagBoundsTests: XCTestCase {
    private func assertRefused(_ command: ParsableCommand.Type, _ arguments: [String], mentions words: [String],
                               line: UInt = #line) {
        XCTAssertThrowsError(try command.parse(arguments), "\(arguments)", line: line) { error in
            let message = command.message(for: error)
            XCTAssertFalse(message.contains("\n"), message, line: line)
            for word in words { XCTAssertTrue(message.contains(word), "\(message) should mention \(word)", line: line) }
            XCTAssertEqual(command.exitCode(for: error), .failure, message, line: line)
        }
    }

    func testDecodeFlagsAreBounded() {
        assertRefused(DecodeCommand.self, ["--steps", "9223372036854775800"], mentions: ["--steps 9223372036854775800", "1…65536"])
        assertRefused(DecodeCommand.self, ["--gen-length", "2305843009213693952"], mentions: ["--gen-length"])
        assertRefused(DecodeCommand.self, ["--gen-length", "0"], mentions: ["--gen-length 0"])
        assertRefused(DecodeCommand.self, ["--block=-4"], mentions: ["--block -4"])
        assertRefused(DecodeCommand.self, ["--timesteps", "70000"], mentions: ["--timesteps 70000"])
        assertRefused(DecodeCommand.self, ["--k", "0"], mentions: ["--k 0"])
        assertRefused(DecodeCommand.self, ["--threads", "100000000"], mentions: ["--threads"])
    }

    func testExportSizeAnalyzeBinsAndPassKNAreBounded() {
        assertRefused(ExportCommand.self, ["--size", "100000x100000"], mentions: ["--size 100000x100000", "1000x1000"])
        assertRefused(AnalyzeCommand.self, ["t.jsonl", "--bins", "1000000000000"], mentions: ["--bins 1000000000000"])
        assertRefused(PassKCommand.self, ["--out", "r.json", "--n", "4611686018427387904"], mentions: ["--n 4611686018427387904", "1…10000"])
        assertRefused(BenchMatmulCommand.self, ["--m", "65536", "--k", "65536"], mentions: ["--m × --k"])
        assertRefused(BenchForwardCommand.self, ["--synthetic", "llada-8b", "--tokens", "9223372036854775807"], mentions: ["--tokens"])
    }

    func testOrdinaryFlagsParse() {
        XCTAssertNoThrow(try DecodeCommand.parse(["--steps", "64", "--gen-length", "64", "--block", "32"]))
        XCTAssertNoThrow(try ExportCommand.parse(["--size", "120x40"]))
    }
}
