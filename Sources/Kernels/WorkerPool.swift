import CKernels
import Dispatch
import Foundation
import Synchronization

/// Runs `body(0..<workers)` concurrently and returns when all are done. The kernels' parallel
/// regions are short (a forward of the bundled model has about 60, of tens of microseconds each),
/// and waking a sleeping thread for each cost about 8 % of that forward in the scheduler; the pool's
/// helpers spin a little after each region, so the next one finds them awake, and `body(0)` runs on
/// the calling thread. One region runs in the pool at a time; a caller that finds it taken (another
/// forward, or a region inside a region) runs on Dispatch's workers instead.
public func runWorkers(_ workers: Int, _ body: (Int) -> Void) {
    guard workers > 1 else {
        body(0)
        return
    }
    if !WorkerPool.shared.run(workers, body) {
        DispatchQueue.concurrentPerform(iterations: workers, execute: body)
    }
}

final class WorkerPool: @unchecked Sendable {
    static let shared = WorkerPool()

    /// Spins of a helper before it sleeps: with `pause` (10-150 cycles) tens of microseconds.
    private static let spins = 2_000
    private let taken = Atomic<Bool>(false)
    /// The region's number and worker count in one word (number << 8 | workers), so a helper left
    /// out of a region never reads the count of the next one.
    private let published = Atomic<Int>(0)
    private let remaining = Atomic<Int>(0)
    private let wake = NSCondition()
    // Written by the caller before `published` moves on (release), read by the region's helpers
    // after (acquire); the caller waits for them before it writes again.
    private var job: ((Int) -> Void)?
    private var helpers = 0

    /// False when another region holds the pool, or for more workers than a region's word holds.
    func run(_ workers: Int, _ body: (Int) -> Void) -> Bool {
        guard workers < 256, taken.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else { return false }
        defer { taken.store(false, ordering: .releasing) }
        while helpers < workers - 1 { startHelper(index: helpers + 1) }
        withoutActuallyEscaping(body) { body in
            job = body
            remaining.store(workers - 1, ordering: .relaxed)
            wake.lock()
            let region = (published.load(ordering: .relaxed) >> 8) + 1
            published.store((region << 8) | workers, ordering: .releasing)
            wake.broadcast()
            wake.unlock()
            body(0)
            while remaining.load(ordering: .acquiring) > 0 { dscope_spin_pause() }
            job = nil
        }
        return true
    }

    /// Not inlined, so the helper's reference to the job is gone before `remaining` says it is done
    /// (`withoutActuallyEscaping` traps on a closure still held when `run` returns).
    @inline(never)
    private func runJob(_ index: Int) {
        job!(index)
    }

    private func startHelper(index: Int) {
        helpers += 1
        let seen = published.load(ordering: .acquiring)
        Thread { [self] in helperLoop(index: index, seen: seen) }.start()
    }

    private func helperLoop(index: Int, seen first: Int) -> Never {
        var seen = first
        while true {
            var current = published.load(ordering: .acquiring)
            var spin = 0
            while current == seen && spin < Self.spins {
                dscope_spin_pause()
                spin += 1
                current = published.load(ordering: .acquiring)
            }
            if current == seen {
                wake.lock()
                while published.load(ordering: .acquiring) == seen { wake.wait() }
                wake.unlock()
                current = published.load(ordering: .acquiring)
            }
            seen = current
            if index < (current & 0xFF) {
                runJob(index)
                remaining.subtract(1, ordering: .releasing)
            }
        }
    }
}
