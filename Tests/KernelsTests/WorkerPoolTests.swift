import Dispatch
import Foundation
import XCTest
@testable import Kernels

final class WorkerPoolTests: XCTestCase {
    /// Counts of each worker index over a run of regions.
    private final class Tally: @unchecked Sendable {
        private let lock = NSLock()
        private var counts: [Int: Int] = [:]

        func add(_ index: Int) {
            lock.lock()
            counts[index, default: 0] += 1
            lock.unlock()
        }

        var snapshot: [Int: Int] {
            lock.lock()
            defer { lock.unlock() }
            return counts
        }
    }

    func testEveryWorkerIndexRunsOnceInEachRegion() {
        for workers in 1...4 {
            let tally = Tally()
            let regions = 2_000
            for _ in 0..<regions { runWorkers(workers) { tally.add($0) } }
            XCTAssertEqual(tally.snapshot, Dictionary(uniqueKeysWithValues: (0..<workers).map { ($0, regions) }),
                           "\(workers) workers")
        }
    }

    func testRegionsOfChangingWidthLeaveOutTheHelpersTheyDoNotNeed() {
        let tally = Tally()
        let widths = [4, 2, 3, 2, 1, 4]
        for round in 0..<600 {
            let workers = widths[round % widths.count]
            runWorkers(workers) { tally.add(workers * 10 + $0) }
        }
        var expected: [Int: Int] = [:]
        for round in 0..<600 {
            let workers = widths[round % widths.count]
            for index in 0..<workers { expected[workers * 10 + index, default: 0] += 1 }
        }
        XCTAssertEqual(tally.snapshot, expected)
    }

    func testTheCallerRunsWorkerZeroAndReturnsOnlyWhenEveryWorkerIsDone() {
        let caller = Thread.current
        for _ in 0..<500 {
            let done = Tally()
            var zeroOnCaller = false
            runWorkers(3) { index in
                if index == 0 { zeroOnCaller = Thread.current == caller }
                usleep(index == 2 ? 200 : 0)
                done.add(index)
            }
            XCTAssertTrue(zeroOnCaller)
            XCTAssertEqual(done.snapshot, [0: 1, 1: 1, 2: 1])
        }
    }

    func testHelpersAsleepBetweenRegionsWakeForTheNext() {
        let tally = Tally()
        for _ in 0..<30 {
            usleep(2_000)
            runWorkers(2) { tally.add($0) }
        }
        XCTAssertEqual(tally.snapshot, [0: 30, 1: 30])
    }

    func testMoreWorkersThanThePoolTakesRunOnDispatch() {
        let tally = Tally()
        runWorkers(300) { tally.add($0) }
        XCTAssertEqual(tally.snapshot, Dictionary(uniqueKeysWithValues: (0..<300).map { ($0, 1) }))
    }

    func testARegionInsideARegionRunsEveryIndex() {
        let tally = Tally()
        runWorkers(2) { outer in
            runWorkers(3) { inner in tally.add(outer * 10 + inner) }
        }
        XCTAssertEqual(tally.snapshot, [0: 1, 1: 1, 2: 1, 10: 1, 11: 1, 12: 1])
    }

    func testCallersOnSeveralThreadsEachGetEveryIndex() {
        let tally = Tally()
        let callers = 4, regions = 300
        DispatchQueue.concurrentPerform(iterations: callers) { caller in
            for _ in 0..<regions { runWorkers(2) { tally.add(caller * 10 + $0) } }
        }
        let expected = (0..<callers).flatMap { caller in [(caller * 10, regions), (caller * 10 + 1, regions)] }
        XCTAssertEqual(tally.snapshot, Dictionary(uniqueKeysWithValues: expected))
    }
}
