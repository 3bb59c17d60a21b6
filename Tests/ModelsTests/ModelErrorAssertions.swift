import XCTest
@testable import Models

/// The typed error `open` throws, nil when it succeeds; any other error fails the test.
func modelError(_ open: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) -> ModelError? {
    do {
        try open()
        return nil
    } catch let error as ModelError {
        return error
    } catch {
        XCTFail("untyped error \(error)", file: file, line: line)
        return nil
    }
}

/// Bad input's message: one line that starts with the fixture's path and mentions every word.
func assertMessage(_ error: ModelError?, names fixture: String, mentions words: [String],
                   file: StaticString = #filePath, line: UInt = #line) {
    guard let error else { return XCTFail("no error", file: file, line: line) }
    let message = error.description
    XCTAssertTrue(message.hasPrefix(Fixture.path(fixture)), message, file: file, line: line)
    XCTAssertFalse(message.contains("\n"), "one line: \(message)", file: file, line: line)
    for word in words {
        XCTAssertTrue(message.contains(word), "\(message) should mention \(word)", file: file, line: line)
    }
}
