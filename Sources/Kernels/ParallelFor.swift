/// Splits `0..<count` into `threads` contiguous slices (each a multiple of `granularity`, the last
/// takes the rest) and runs `body` on them concurrently. One slice runs on the calling thread.
public func parallelFor(_ count: Int, threads: Int, granularity: Int = 1,
                        _ body: (Range<Int>) -> Void) {
    let units = (count + granularity - 1) / granularity
    let workers = max(1, min(threads, units))
    if workers == 1 {
        body(0..<count)
        return
    }
    runWorkers(workers) { worker in
        let firstUnit = units * worker / workers
        let endUnit = units * (worker + 1) / workers
        let range = min(count, firstUnit * granularity)..<min(count, endUnit * granularity)
        if !range.isEmpty { body(range) }
    }
}
