/// Pass@k curves per order with 95% bootstrap intervals, over the tasks whose n samples are all
/// finished in every order (an interrupted or partial run reports on what it has).
public struct PassKReport: Equatable, Sendable {
    public struct Point: Equatable, Sendable {
        public var k: Int
        /// Mean over tasks of the unbiased per-task estimate.
        public var estimate: Double
        public var interval: ClosedRange<Double>
    }

    public struct Curve: Equatable, Sendable {
        public var order: DecodeOrder
        public var points: [Point]
        /// Fraction of correct samples (= pass@1).
        public var accuracy: Double
        /// Tasks with at least one correct sample.
        public var solvedTasks: Int
        /// Tasks solved (c > 0) under this order and under no other, in task order.
        public var solvedOnlyHere: [String]
    }

    /// The tasks the run (or its shards) plans, and how many of them are complete.
    public var plannedTasks: Int
    public var completeTasks: Int
    public var samplesPerTask: Int
    public var curves: [Curve]

    /// `ks` default to the results' own; those above n are left out. Intervals come from
    /// `resampleCount` bootstrap resamples seeded by the run's seed.
    public init(results: PassKResults, ks: [Int]? = nil, resampleCount: Int = 1000) {
        let config = results.config
        let n = config.samplesPerTask
        let ownedIds = config.tasks.ids.enumerated().filter { results.shards?.owns(taskIndex: $0.offset) ?? true }.map(\.element)
        var correct: [DecodeOrder: [String: Int]] = [:], finished: [DecodeOrder: [String: Int]] = [:]
        for sample in results.samples {
            finished[sample.key.order, default: [:]][sample.key.taskId, default: 0] += 1
            if sample.correct { correct[sample.key.order, default: [:]][sample.key.taskId, default: 0] += 1 }
        }
        let complete = ownedIds.filter { id in config.orders.allSatisfy { finished[$0]?[id] == n } }
        let counts = config.orders.map { order in complete.map { correct[order]?[$0] ?? 0 } }
        let bootstrap = Bootstrap(taskCount: complete.count, resampleCount: resampleCount, seed: config.seed)

        plannedTasks = ownedIds.count
        completeTasks = complete.count
        samplesPerTask = n
        curves = config.orders.enumerated().map { index, order in
            let c = counts[index]
            let points = (ks ?? results.ks).filter { (1...n).contains($0) }.map { k -> Point in
                let perTask = c.map { PassAtK.estimate(samples: n, correct: $0, k: k) }
                return Point(k: k, estimate: perTask.isEmpty ? 0 : perTask.reduce(0, +) / Double(perTask.count),
                             interval: bootstrap.interval(of: perTask))
            }
            let onlyHere = complete.indices.filter { task in
                c[task] > 0 && counts.indices.allSatisfy { $0 == index || counts[$0][task] == 0 }
            }
            return Curve(order: order, points: points,
                         accuracy: c.isEmpty ? 0 : Double(c.reduce(0, +)) / Double(c.count * n),
                         solvedTasks: c.filter { $0 > 0 }.count, solvedOnlyHere: onlyHere.map { complete[$0] })
        }
    }
}

extension PassKReport {
    /// The report as the results file's `report` object.
    struct JSON: Codable {
        var plannedTasks: Int
        var completeTasks: Int
        var n: Int
        var orders: [Order]

        struct Order: Codable {
            var order: DecodeOrder
            var accuracy: Double
            var solvedTasks: Int
            var solvedOnlyByThisOrder: [String]
            var passAtK: [Point]

            enum CodingKeys: String, CodingKey {
                case order, accuracy
                case solvedTasks = "solved_tasks"
                case solvedOnlyByThisOrder = "solved_only_by_this_order"
                case passAtK = "pass_at_k"
            }
        }

        struct Point: Codable {
            var k: Int
            var estimate: Double
            var low: Double
            var high: Double
        }

        enum CodingKeys: String, CodingKey {
            case n, orders
            case plannedTasks = "planned_tasks"
            case completeTasks = "complete_tasks"
        }
    }

    var json: JSON {
        JSON(plannedTasks: plannedTasks, completeTasks: completeTasks, n: samplesPerTask, orders: curves.map { curve in
            JSON.Order(order: curve.order, accuracy: curve.accuracy, solvedTasks: curve.solvedTasks,
                       solvedOnlyByThisOrder: curve.solvedOnlyHere,
                       passAtK: curve.points.map { .init(k: $0.k, estimate: $0.estimate, low: $0.interval.lowerBound, high: $0.interval.upperBound) })
        })
    }
}
