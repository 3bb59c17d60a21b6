import XCTest
@testable import dscope

/// `inspect` prints any number a file can hold, whole ones without ".0", without trapping.
final class InspectFormattingTests: XCTestCase {
    func testNumbersBeyondIntAndNonFiniteOnesFormat() {
        XCTAssertEqual(formatNumber(500_000), "500000")
        XCTAssertEqual(formatNumber(0.5), "0.5")
        XCTAssertEqual(formatNumber(9_223_372_036_854_775_808), "9.223372036854776e+18")
        XCTAssertEqual(formatNumber(-1e300), "-1e+300")
        XCTAssertEqual(formatNumber(.infinity), "inf")
        XCTAssertEqual(formatNumber(.nan), "nan")
    }
}
