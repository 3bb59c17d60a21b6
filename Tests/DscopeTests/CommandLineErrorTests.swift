import Foundation
import XCTest

/// What the command line says when it is used wrongly: one `error:` line that names the problem
/// and what to do, a non-zero exit, never another command's usage.
final class CommandLineErrorTests: XCTestCase {
    func testAnUnknownCommandIsAnErrorListingTheCommands() throws {
        for arguments in [["foo"], ["help", "foo"]] {
            let result = try DscopeBinary.run(arguments)
            XCTAssertEqual(result.status, 1, "\(arguments)")
            XCTAssertTrue(result.stderr.hasPrefix("error: unknown command 'foo'; the commands are watch, replay, export"),
                          result.stderr)
            XCTAssertFalse(result.stderr.contains("USAGE") || result.stdout.contains("USAGE"), "no watch usage")
        }
        XCTAssertEqual(try DscopeBinary.run(["help", "replay"]).status, 0)
    }

    func testANegativeTemperatureGetsTheSettingsMessageNotMissingValue() throws {
        let result = try DscopeBinary.run(["decode", "--prompt", "hi", "--temperature", "-1"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "error: temperature -1.0 must be a finite number ≥ 0 (0 = argmax)\n")
    }

    func testZeroStepsNamesTheAllowedRange() throws {
        let result = try DscopeBinary.run(["decode", "--prompt", "hi", "--steps", "0"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasPrefix("error: --steps 0 is outside 1…"), result.stderr)
    }

    func testUsageErrorsUseTheSameLowercasePrefix() throws {
        let result = try DscopeBinary.run(["decode", "--bogus"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.stderr.hasPrefix("error: Unknown option '--bogus'"), result.stderr)
    }

    func testInspectOfASafetensorsFileAsksForItsFolder() throws {
        let result = try DscopeBinary.run(["inspect", "/models/llada/model-00001-of-00006.safetensors"])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "error: /models/llada/model-00001-of-00006.safetensors is one weights file of a checkpoint; "
                       + "give the folder that holds it with config.json: dscope inspect /models/llada\n")
    }
}
