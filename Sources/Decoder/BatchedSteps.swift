import Dispatch

extension DecodeSession {
    /// One step of every unfinished session. Where they share a `StatisticsModel` (a dscope-server)
    /// and the settings a batch shares (temperature, CFG, EOS suppression), the model is asked once
    /// for all of them, so a GPU runs their forwards as one batch; otherwise they step one after the
    /// other. Each session's step is the step it would take alone (its own seed and step index
    /// pick its noise). When the batched call fails, no session has taken its step.
    public static func stepTogether(_ sessions: [DecodeSession]) throws {
        let live = sessions.filter { !$0.isComplete }
        let plans = try live.map { try $0.nextPlan() }
        guard let first = plans.first, let model = first.model as? StatisticsModel, plans.count > 1 else {
            for session in live { try session.step() }
            return
        }
        let requests = plans.map(\.statisticsRequest)
        let shared = plans.allSatisfy { $0.isBatchable && $0.model === first.model } && requests.allSatisfy {
            $0.temperature == requests[0].temperature && $0.cfgScale == requests[0].cfgScale
                && $0.suppressedToken == requests[0].suppressedToken && $0.maskId == requests[0].maskId
        }
        guard shared else {
            for session in live { try session.step() }
            return
        }
        let started = DispatchTime.now().uptimeNanoseconds
        let answers = try ForwardQueue.queue.sync { try model.statistics(requests) }
        let nanos = DispatchTime.now().uptimeNanoseconds - started
        guard answers.count == requests.count else {
            throw StatisticsModelError.wrongRowCount(expected: requests.count, got: answers.count)
        }
        for (request, rows) in zip(requests, answers) where rows.count != request.rows.count {
            throw StatisticsModelError.wrongRowCount(expected: request.rows.count, got: rows.count)
        }
        // Each step is charged its share of the batch's round trip.
        let share = nanos / UInt64(plans.count)
        for (index, (session, plan)) in zip(live, plans).enumerated() {
            let record = try plan.finish(answers[index], passes: requests[index].forwardPasses, forwardNanos: share,
                                     started: DispatchTime.now().uptimeNanoseconds - share)
            try session.commit(record, of: plan)
        }
    }
}
