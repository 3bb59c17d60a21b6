import XCTest
import Tolerance

/// The tolerance checks of the kernel tests and the logit-parity checks (LLaDA, Dream, GGUF, KV
/// cache) fold with `maxAbsDifference`; the matmul and attention tests fill their outputs with NaN
/// so that an unwritten cell must fail them, and a NaN logit anywhere in a row must fail them too.
final class MaxAbsDifferenceTests: XCTestCase {
    func testNaNAnywhereFailsATolerance() {
        for position in 0..<4 {
            var values: [Float] = [1, 2, 3, 4]
            values[position] = .nan
            XCTAssertTrue(maxAbsDifference(values, [1, 2, 3, 4]).isNaN, "NaN at \(position)")
            XCTAssertTrue(maxAbsDifference([1, 2, 3, 4], values).isNaN, "NaN at \(position) of the reference")
            XCTAssertFalse(maxAbsDifference(values, [1, 2, 3, 4]) <= 1, "NaN at \(position) passed")
        }
    }

    func testInfinitiesAndCountMismatchesFailATolerance() {
        XCTAssertTrue(maxAbsDifference([1, .infinity], [1, .infinity]).isNaN)
        XCTAssertEqual(maxAbsDifference([1, .infinity], [1, 2]), .infinity)
        XCTAssertEqual(maxAbsDifference([1, 2], [1]), .infinity)
    }

    func testFiniteValuesGiveTheLargestDifference() {
        XCTAssertEqual(maxAbsDifference([1, -2, 3], [1.5, -2, 1]), 2)
        XCTAssertEqual(maxAbsDifference([Float](), []), 0)
    }
}
