import XCTest
@testable import Decoder

final class PassAtKTests: XCTestCase {
    func testEstimatorMatchesHandComputedValuesForTenSamplesThreeCorrect() {
        // pass@k = 1 − C(7, k) / C(10, k), worked out by hand.
        let expected: [Double] = [
            1 - 7.0 / 10, 1 - 21.0 / 45, 1 - 35.0 / 120, 1 - 35.0 / 210, 1 - 21.0 / 252,
            1 - 7.0 / 210, 1 - 1.0 / 120, 1, 1, 1,
        ]
        for k in 1...10 {
            XCTAssertEqual(PassAtK.estimate(samples: 10, correct: 3, k: k), expected[k - 1], accuracy: 1e-12, "k = \(k)")
        }
        XCTAssertEqual(PassAtK.estimate(samples: 10, correct: 3, k: 1), 0.3, accuracy: 1e-15)
        XCTAssertEqual(PassAtK.estimate(samples: 10, correct: 3, k: 2), 8.0 / 15, accuracy: 1e-15)
    }

    func testNoCorrectSampleGivesZeroAndAllCorrectGivesOneForEveryK() {
        for k in 1...10 {
            XCTAssertEqual(PassAtK.estimate(samples: 10, correct: 0, k: k), 0)
            XCTAssertEqual(PassAtK.estimate(samples: 10, correct: 10, k: k), 1)
        }
        XCTAssertEqual(PassAtK.estimate(samples: 1, correct: 1, k: 1), 1)
        XCTAssertEqual(PassAtK.estimate(samples: 1, correct: 0, k: 1), 0)
    }

    func testPassAtOneIsTheFractionCorrectAndPassAtNIsWhetherAnyIsCorrect() {
        for c in 0...16 {
            XCTAssertEqual(PassAtK.estimate(samples: 16, correct: c, k: 1), Double(c) / 16, accuracy: 1e-12)
            XCTAssertEqual(PassAtK.estimate(samples: 16, correct: c, k: 16), c > 0 ? 1 : 0)
        }
    }

    func testBootstrapIntervalIsSeededAndBracketsTheMean() {
        let values = (0..<40).map { Double($0 % 7) / 6 }
        let mean = values.reduce(0, +) / Double(values.count)
        let interval = Bootstrap(taskCount: 40, seed: 7).interval(of: values)
        XCTAssertEqual(interval, Bootstrap(taskCount: 40, seed: 7).interval(of: values))
        XCTAssertNotEqual(interval, Bootstrap(taskCount: 40, seed: 8).interval(of: values))
        XCTAssertTrue(interval.contains(mean) && interval.lowerBound < mean && interval.upperBound > mean, "\(interval) around \(mean)")
        XCTAssertLessThan(interval.upperBound - interval.lowerBound, 0.4)
    }

    func testBootstrapOfIdenticalValuesIsThatValue() {
        XCTAssertEqual(Bootstrap(taskCount: 5, seed: 1).interval(of: Array(repeating: 0.25, count: 5)), 0.25...0.25)
    }
}
