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

    func testGGUFReportShowsFormatTensorTypesAndTheModelDscopeRuns() throws {
        let result = try DscopeBinary.run(["inspect", fixture("gguf-llada-q4_0/model.gguf")])
        XCTAssertEqual(result.status, 0, result.stderr)
        for line in ["format        GGUF v3", "tensor types  F32 × 5, Q4_0 × 15 tensors", "90,880 bytes",
                     "tokenizer     gpt2 (pre refact), 832 tokens, 544 merges",
                     "llada: 2 layers, d_model 64, 4 heads (2 kv)", "head          tied to the embedding",
                     "logits        in place", "q/k rows      permuted by llama.cpp"] {
            XCTAssertTrue(result.stdout.contains(line), "\(line) missing from:\n\(result.stdout)")
        }
    }

    func testDreamReportShowsBiasesAndShiftedLogits() throws {
        let result = try DscopeBinary.run(["inspect", fixture("dream-bf16")])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("dream: 2 layers"), result.stdout)
        XCTAssertTrue(result.stdout.contains("q/k/v bias"), result.stdout)
        XCTAssertTrue(result.stdout.contains("logits        shifted"), result.stdout)
    }

    func testBadInputsExitOneWithOneLineNamingTheFile() throws {
        let cases: [(String, String)] = [
            ("broken/missing-tensor", "blocks.0.up_proj.weight"),
            ("broken/unknown-model-type", "gpt2"),
            ("broken/no-config", "config.json"),
            ("no-such-folder", "no-such-folder"),
            ("broken/bad-magic.gguf", "bad magic"),
            ("broken/out-of-bounds.gguf", "b.weight"),
            ("broken/valid-two-tensors.gguf", "token_embd.weight"),
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
