import Foundation

/// 64-byte aligned Float buffers kept between calls. A matmul needs a few MiB of scratch every
/// time, and a fresh allocation that large is mapped anew and faults in each of its pages (that
/// cost 2–4 % of a 128 × 4096 × 4096 product).
final class ScratchPool: @unchecked Sendable {
    static let shared = ScratchPool()
    /// Idle buffers kept; enough for the packed inputs plus one buffer per worker thread.
    private let keep = 16
    private let lock = NSLock()
    private var idle: [UnsafeMutableBufferPointer<Float>] = []

    /// Runs `body` with at least `count` Floats of undefined contents.
    func withBuffer<Result>(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        let buffer = take(max(1, count))
        defer { giveBack(buffer) }
        return body(buffer.baseAddress!)
    }

    private func take(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
        lock.lock()
        defer { lock.unlock() }
        let fitting = idle.indices.filter { idle[$0].count >= count }
        if let best = fitting.min(by: { idle[$0].count < idle[$1].count }) {
            return idle.remove(at: best)
        }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64)
        return UnsafeMutableBufferPointer(start: raw.bindMemory(to: Float.self, capacity: count), count: count)
    }

    private func giveBack(_ buffer: UnsafeMutableBufferPointer<Float>) {
        lock.lock()
        defer { lock.unlock() }
        idle.append(buffer)
        if idle.count > keep, let smallest = idle.indices.min(by: { idle[$0].count < idle[$1].count }) {
            idle.remove(at: smallest).deallocate()
        }
    }
}
