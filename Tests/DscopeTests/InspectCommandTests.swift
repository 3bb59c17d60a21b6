import Foundation
import XCTest

/// `dscope inspect` as a user runs it: a report for a good folder, one clear line and exit 1 for a bad one.
final class InspectCommandTests: XCTestCase {
    private func fixture(_ relative: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ModelsTests/Fixtures").appendingPathComponent(relative).path
    }

    func testReportsArchitectureParametersAndFiles() throws {
        let result = try DscopeBinary.run(["inspect", fixture("llada-gqa")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("2 layers, d_model 72, 4 heads (2 kv)"), result.stdout)
        XCTAssertTrue(result.stdout.contains("mask 299"), result.stdout)
        XCTAssertTrue(result.stdout.contains("model.safetensors"), result.stdout)
        XCTAssertTrue(result.stdout.contains("parameters"), result.stdout)
    }

    func testBadInputsExitOneWithOneLineNamingTheFile() throws {
        let cases: [(String, String)] = [
            ("broken/missing-tensor", "blocks.0.up_proj.weight"),
            ("broken/unknown-model-type", "gpt2"),
            ("broken/no-config", "config.json"),
            ("no-such-folder", "no-such-folder"),
        ]
        for (folder, detail) in cases {
            let result = try DscopeBinary.run(["inspect", fixture(folder)])
            XCTAssertEqual(result.status, 1, folder)
            XCTAssertTrue(result.stderr.hasPrefix("error: "), result.stderr)
            let lines = result.stderr.split(separator: "\n")
            XCTAssertEqual(lines.count, 1, result.stderr)
            XCTAssertTrue(result.stderr.contains(fixture(folder)), result.stderr)
            XCTAssertTrue(result.stderr.contains(detail), result.stderr)
        }
    }
}

final class BenchCommandTests: XCTestCase {
    func testMatmulBenchEndsWithAGflopsLine() throws {
        let result = try DscopeBinary.run(["bench", "matmul", "--m", "8", "--k", "64", "--n", "32",
                                           "--threads", "1", "--repeats", "1"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let last = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("gflops="), last)
        XCTAssertNotNil(Double(last.dropFirst("gflops=".count)), last)
    }

    func testForwardBenchNeedsExactlyOneModelSource() throws {
        let result = try DscopeBinary.run(["bench", "forward"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.contains("--model"), result.stderr)
    }
}
