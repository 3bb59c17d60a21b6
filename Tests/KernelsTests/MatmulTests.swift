import XCTest
@testable import Kernels

final class MatmulTests: XCTestCase {
    func testPlaceholderBuilds() {}
}
