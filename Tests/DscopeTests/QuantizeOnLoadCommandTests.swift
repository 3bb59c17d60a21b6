import Foundation
import XCTest

/// `--weights q8_0|q4_0` on a float checkpoint: the logits change (the weights were rounded), and
/// a type the loader cannot make is refused in one line.
final class QuantizeOnLoadCommandTests: XCTestCase {
    func testLogitsOfTheBundledModelQuantisedOnLoadDifferFromTheFloatOnes() throws {
        func logits(_ extra: [String]) throws -> Data {
            let out = NSTemporaryDirectory() + "quantized-\(UUID().uuidString).npy"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try DscopeBinary.run(["logits", "--ids", "5,6,7,2,2", "--threads", "1", "--out", out] + extra)
            XCTAssertEqual(result.status, 0, result.stderr)
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let float = try logits([]), q8 = try logits(["--weights", "q8_0"])
        XCTAssertEqual(float.count, q8.count)
        XCTAssertNotEqual(float, q8)
    }

    func testATranscriptNamesTheWeightsQuantisedOnLoad() throws {
        let transcript = NSTemporaryDirectory() + "quantized-\(UUID().uuidString).jsonl"
        defer { try? FileManager.default.removeItem(atPath: transcript) }
        let result = try DscopeBinary.run(["decode", "--prompt", "What is 2 + 3?", "--gen-length", "8", "--threads", "1",
                                           "--weights", "q8_0", "--transcript", transcript])
        XCTAssertEqual(result.status, 0, result.stderr)
        let header = try String(contentsOfFile: transcript, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(header.contains("(q8_0 on load)"), String(header))
    }

    func testAKQuantIsRefusedNamingTheTypesMadeOnLoad() throws {
        let result = try DscopeBinary.run(["decode", "--prompt", "hi", "--weights", "q4_k"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: --weights q4_k: a checkpoint is quantised on load to q8_0 or q4_0 (k-quants need llama.cpp's llama-quantize)"),
                      result.stderr)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, "one line")
    }
}
