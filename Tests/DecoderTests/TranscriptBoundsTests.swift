import Foundation
import XCTest
import Models
@testable import Decoder

/// Every number of a transcript is range-checked when it is read: lengths before allocation,
/// statistics against what a softmax can give, counts before they are summed.
final class TranscriptBoundsTests: XCTestCase {
    private func transcriptLines() throws -> [String] {
        let model = ScriptedModel(columns: 16) { _, canvas, position in
            peakedRow(columns: 16, token: (position + canvas.count) % 10, p: 0.3 + 0.1 * Double(position % 5))
        }
        let decode = try session(model, length: 4, DecodeSettings(parallelism: .perStep(k: 2)))
        try decode.runToEnd()
        let transcript = Transcript(session: decode, model: ModelIdentity(id: "scripted", configHash: "fnv1a64:0123456789abcdef"),
                                    tool: "dscope test", promptText: nil, tokenText: nil)
        return try transcript.jsonLines().split(separator: "\n").map(String.init)
    }

    /// The transcript with `change` applied to line `number`'s JSON object.
    private func edited(_ number: Int, _ change: (inout [String: Any]) -> Void) throws -> String {
        var lines = try transcriptLines()
        var object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(lines[number - 1].utf8)) as? [String: Any])
        change(&object)
        lines[number - 1] = String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
        return lines.joined(separator: "\n")
    }

    private func assertField(_ text: String, line: Int, field: String, file: StaticString = #filePath, lineNumber: UInt = #line) {
        XCTAssertThrowsError(try Transcript(jsonLines: text), file: file, line: lineNumber) { error in
            guard case let .field(foundLine, foundField, _)? = error as? TranscriptError else {
                return XCTFail("\(error)", file: file, line: lineNumber)
            }
            XCTAssertEqual(foundLine, line, "\(error)", file: file, line: lineNumber)
            XCTAssertEqual(foundField, field, "\(error)", file: file, line: lineNumber)
        }
    }

    private func editCommit(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var commits = object["commits"] as! [[String: Any]]
            commits[0][key] = value
            object["commits"] = commits
        }
    }

    func testTheUneditedTranscriptReads() throws {
        XCTAssertNoThrow(try Transcript(jsonLines: try transcriptLines().joined(separator: "\n")))
    }

    func testHugeGenerationLengthIsRefusedBeforeTheCanvasIsAllocated() throws {
        for length in [1 << 61, Int.max, 100_000_000] {
            assertField(try edited(1) { $0["generation_length"] = length }, line: 1, field: "generation_length")
        }
    }

    func testVocabularyFactsAreBounded() throws {
        assertField(try edited(1) { object in
            var vocabulary = object["vocabulary"] as! [String: Any]
            vocabulary["logit_columns"] = Int.max
            object["vocabulary"] = vocabulary
        }, line: 1, field: "vocabulary.logit_columns")
    }

    func testForwardPassesAreBoundedSoThatTheirSumCannotOverflow() throws {
        assertField(try edited(2) { $0["forward_passes"] = Int.max }, line: 2, field: "forward_passes")
    }

    func testCommitStatisticsLieWhereASoftmaxPutsThem() throws {
        let cases: [(String, Any)] = [("entropy_nats", -1e30), ("entropy_nats", -0.5), ("entropy_nats", 3.0),
                                      ("confidence", 1.5), ("confidence", -0.1), ("margin", 2), ("margin", -1)]
        for (key, value) in cases {
            assertField(try edited(2, editCommit(key, value)), line: 2, field: "commits[0].\(key)")
        }
    }

    func testMaskedEntropiesAndTimingsAreBounded() throws {
        let masked = try maskedIndex()
        assertField(try edited(2) { object in
            var entropies = object["masked_entropy_nats"] as! [Any]
            entropies[masked] = -1e30
            object["masked_entropy_nats"] = entropies
        }, line: 2, field: "masked_entropy_nats[\(masked)]")
        assertField(try edited(2) { $0["step_ms"] = -5 }, line: 2, field: "step_ms")
    }

    private func maskedIndex() throws -> Int {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try transcriptLines()[1].utf8)) as? [String: Any])
        return (object["masked_entropy_nats"] as! [Any]).firstIndex { !($0 is NSNull) }!
    }
}
