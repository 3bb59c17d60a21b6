import XCTest
@testable import Models

/// Token ids size the id → bytes table, so they are bounded by the entries the file holds: a
/// 9 KB file cannot ask for a table of 2²⁴ entries.
final class TokenizerIdBoundsTests: XCTestCase {
    private func loadingError(_ json: String) -> TokenizerError? {
        do {
            _ = try TokenizerFixture.inline(json)
            return nil
        } catch {
            return error as? TokenizerError
        }
    }

    func testAVocabularyIdFarBeyondTheEntriesIsRefused() {
        let json = TokenizerFixture.byteLevelJSON().replacingOccurrences(of: #""a": 97"#, with: #""a": 16777215"#)
        XCTAssertTrue(json.contains("16777215"))
        guard case let .invalidField(_, field, problem)? = loadingError(json) else { return XCTFail("no invalidField error") }
        XCTAssertEqual(field, #"model.vocab["a"]"#)
        XCTAssertTrue(problem.contains("256 entries"), problem)
    }

    func testAnAddedTokenIdFarBeyondTheEntriesIsRefused() {
        let added = #"[{"id": 16777215, "content": "<x>", "special": true}]"#
        guard case let .invalidField(_, field, _)? = loadingError(TokenizerFixture.byteLevelJSON(addedTokens: added)) else {
            return XCTFail("no invalidField error")
        }
        XCTAssertEqual(field, "added_tokens[0].id")
    }

    func testIdsWithAFewGapsStillLoad() {
        let added = #"[{"id": 700, "content": "<x>", "special": true}]"#
        XCTAssertNil(loadingError(TokenizerFixture.byteLevelJSON(addedTokens: added)))
    }
}
