import XCTest
@testable import Models

final class MatmulTests: XCTestCase {
    func testPlaceholderBuilds() {}
}
