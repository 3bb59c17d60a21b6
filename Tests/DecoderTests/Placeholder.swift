import XCTest
@testable import Decoder

final class MatmulTests: XCTestCase {
    func testPlaceholderBuilds() {}
}
