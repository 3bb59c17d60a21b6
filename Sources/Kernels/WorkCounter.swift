import Foundation

/// Hands out the units 0..<count in order, each once, to whichever worker asks next. Splitting
/// work up front assumes equally fast cores; on a shared host one core often runs a few percent
/// slower, and a static half then holds up the whole call (measured: 1–2 ms of 24).
final class WorkCounter: @unchecked Sendable {
    let count: Int
    private var next = 0
    private let lock = NSLock()

    init(_ count: Int) {
        self.count = count
    }

    func claim() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < count else { return nil }
        next += 1
        return next - 1
    }
}
