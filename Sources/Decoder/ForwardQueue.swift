import Dispatch
import Foundation

/// Runs steps off the caller's thread. One serial queue for the whole process: a model is not
/// safe for concurrent forwards, and concurrent forwards of two models would only fight over the
/// same cores.
enum ForwardQueue {
    static let queue = DispatchQueue(label: "dscope.decoder.forward", qos: .userInitiated)

    static func runSynchronously(_ plan: StepPlan) throws -> StepRecord {
        try queue.sync { try plan.run() }
    }

    /// Returns as soon as the task is cancelled, without waiting for a forward already under way
    /// (it cannot be interrupted): its result is dropped, and the next step queues behind it.
    static func run(_ plan: StepPlan) async throws -> StepRecord {
        let delivery = Delivery()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard delivery.attach(continuation) else { return }
                queue.async {
                    guard !delivery.isFinished else { return }
                    delivery.finish(Result { try plan.run() })
                }
            }
        } onCancel: {
            delivery.finish(.failure(CancellationError()))
        }
    }
}

/// Resumes a continuation exactly once, whichever of the worker and the cancellation comes first.
private final class Delivery: @unchecked Sendable {
    // @unchecked: every field is read and written under `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<StepRecord, Error>?
    private var outcome: Result<StepRecord, Error>?

    var isFinished: Bool { lock.withLock { outcome != nil } }

    /// False when the outcome was already decided (cancelled before the work was queued).
    func attach(_ continuation: CheckedContinuation<StepRecord, Error>) -> Bool {
        lock.lock()
        if let outcome {
            lock.unlock()
            continuation.resume(with: outcome)
            return false
        }
        self.continuation = continuation
        lock.unlock()
        return true
    }

    func finish(_ result: Result<StepRecord, Error>) {
        lock.lock()
        guard outcome == nil else {
            lock.unlock()
            return
        }
        outcome = result
        let waiting = continuation
        continuation = nil
        lock.unlock()
        waiting?.resume(with: result)
    }
}
