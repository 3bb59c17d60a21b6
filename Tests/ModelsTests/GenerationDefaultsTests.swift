import Foundation
import XCTest
@testable import Models

/// generation_config.json's lengths are integers in 1…65,536: a huge gen_length is refused with
/// the file and the key before any canvas is allocated from it.
final class GenerationDefaultsTests: XCTestCase {
    private func defaults(_ json: String) throws -> (path: String, result: Result<GenerationDefaults, Error>) {
        let folder = NSTemporaryDirectory() + "dscope-generation-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/generation_config.json"
        try Data(json.utf8).write(to: URL(fileURLWithPath: path))
        let location = try ModelLocation(folder)
        return (path, Result { try location.generationDefaults })
    }

    func testLengthsRead() throws {
        let (_, result) = try defaults(#"{"gen_length": 80, "block_length": 40, "steps": 80}"#)
        XCTAssertEqual(try result.get(), GenerationDefaults(generationLength: 80, blockLength: 40))
    }

    func testLengthsOutsideTheBoundsOrNotIntegersAreRefused() throws {
        let cases: [(String, String)] = [
            (#"{"gen_length": 2305843009213693952}"#, "gen_length 2305843009213693952 is outside 1…65536"),
            (#"{"gen_length": 0}"#, "gen_length 0"),
            (#"{"block_length": -8}"#, "block_length -8"),
            (#"{"gen_length": 1e12}"#, "gen_length"),
            (#"{"gen_length": 99999999999999999999999}"#, "gen_length"),
            (#"{"gen_length": true}"#, "gen_length must be an integer in 1…65536"),
            (#"{"gen_length": "64"}"#, "gen_length must be an integer in 1…65536"),
            (#"[1, 2]"#, "not a JSON object"),
        ]
        for (json, words) in cases {
            let (path, result) = try defaults(json)
            XCTAssertThrowsError(try result.get(), json) { error in
                XCTAssertTrue("\(error)".hasPrefix(path), "\(error)")
                XCTAssertTrue("\(error)".contains(words), "\(json): \(error)")
            }
        }
    }
}
