import XCTest
@testable import Decoder

final class PassKRunTests: XCTestCase {
    private struct Stop: Error {}

    private func run(_ tasks: [EvalTask], n: Int, shards: ShardSet? = nil) throws -> PassKResults {
        var results = PassKResults(tool: "dscope test", config: MeasurementFixtures.config(tasks, n: n), shards: shards, ks: [1, 2, 4])
        try PassKRun(decoder: MeasurementFixtures.decoder(MeasurementFixtures.model()), tasks: tasks).run(&results)
        return results
    }

    /// The same results with every timing zeroed: what two runs of one experiment share.
    private func untimed(_ results: PassKResults) -> PassKResults {
        PassKResults(tool: results.tool, config: results.config, shards: results.shards, ks: results.ks,
                     samples: results.samples.map { var sample = $0; sample.decodeMillis = 0; return sample })
    }

    func testARunDecodesEverySampleOfEveryOrderWithItsOwnSeed() throws {
        let tasks = MeasurementFixtures.tasks(3)
        let results = try run(tasks, n: 4)
        XCTAssertEqual(results.samples.map(\.key), results.config.keys())
        XCTAssertTrue(results.pendingKeys.isEmpty)
        XCTAssertEqual(Set(results.samples.map(\.seed)).count, 3 * 4, "one seed per (task, sample), shared by the orders")
        XCTAssertTrue(results.samples.contains(where: \.correct) && results.samples.contains { !$0.correct },
                      "the scripted model solves some samples and not others")
        for sample in results.samples {
            XCTAssertEqual(sample.steps, 3)
            XCTAssertEqual(sample.correct, AnswerChecker.lastNumber.check(sample.text, answer: tasks.first { $0.id == sample.key.taskId }!.answer).correct)
        }
    }

    func testMergedShardsEqualASingleRunByteForByteApartFromTimings() throws {
        let tasks = MeasurementFixtures.tasks(5)
        let single = try run(tasks, n: 4)
        let shards = try (0..<3).map { index -> (path: String, results: PassKResults) in
            ("shard-\(index).json", try run(tasks, n: 4, shards: ShardSet(try Shard(index: index, count: 3))))
        }
        XCTAssertEqual(shards.map(\.results.samples.count), [2, 2, 1].map { $0 * 4 * 2 })
        let merged = try PassKResults.merge(shards.reversed())
        XCTAssertNil(merged.shards, "all shards together are the whole run")
        XCTAssertEqual(untimed(merged), untimed(single))
        XCTAssertEqual(try untimed(merged).json(), try untimed(single).json())
        XCTAssertEqual(PassKReport(results: merged), PassKReport(results: single))
    }

    func testMergingSomeShardsKeepsTheirShardSet() throws {
        let tasks = MeasurementFixtures.tasks(4)
        let parts = try [0, 2].map { ("s\($0)", try run(tasks, n: 2, shards: ShardSet(try Shard(index: $0, count: 4)))) }
        let merged = try PassKResults.merge(parts)
        XCTAssertEqual(merged.shards, ShardSet(count: 4, indices: [0, 2]))
        XCTAssertEqual(Set(merged.samples.map(\.key.taskId)), ["task-0", "task-2"])
    }

    func testResumeSkipsFinishedSamplesAndGivesTheSameResult() throws {
        let tasks = MeasurementFixtures.tasks(3)
        let uninterrupted = try run(tasks, n: 4)
        let path = MeasurementFixtures.temporaryFile("resume.json")
        defer { try? FileManager.default.removeItem(atPath: path) }

        var first = PassKResults(tool: "dscope test", config: MeasurementFixtures.config(tasks, n: 4), shards: nil, ks: [1, 2, 4])
        XCTAssertThrowsError(try PassKRun(decoder: MeasurementFixtures.decoder(MeasurementFixtures.model()), tasks: tasks)
            .run(&first) { if $0.done == 7 { throw Stop() } })
        XCTAssertEqual(first.samples.count, 7, "samples finished before the stop are kept")
        try first.write(to: path)

        var resumed = try PassKResults(contentsOf: path)
        XCTAssertEqual(resumed.pendingKeys.count, 24 - 7)
        let model = MeasurementFixtures.model()
        var decoded: [SampleKey] = []
        try PassKRun(decoder: MeasurementFixtures.decoder(model), tasks: tasks).run(&resumed) { progress in
            XCTAssertEqual(progress.total, 17)
            decoded.append(progress.sample.key)
        }
        XCTAssertEqual(decoded, Array(uninterrupted.config.keys().dropFirst(7)))
        XCTAssertEqual(model.calls, 17 * 3, "one forward per step of the 17 remaining samples only")
        XCTAssertEqual(untimed(resumed), untimed(uninterrupted))
    }

    func testResultsFileRoundTripsAndSaysWhatIsWrongWithOtherFiles() throws {
        let results = try run(MeasurementFixtures.tasks(2), n: 2, shards: ShardSet(try Shard(index: 1, count: 2)))
        let path = MeasurementFixtures.temporaryFile("results.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try results.write(to: path)
        XCTAssertEqual(try PassKResults(contentsOf: path), results)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("\"format\" : \"dscope-passk\""))
        XCTAssertTrue(text.contains("\"pass_at_k\""), "the report is written for readers")

        try Data(text.replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 9").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PassKResults(contentsOf: path)) { XCTAssertEqual($0 as? PassKResultsError, .version(path: path, found: 9)) }
        try Data(text.replacingOccurrences(of: "\"task\" : \"task-1\"", with: "\"task\" : \"task-0\"").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PassKResults(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains("is not part of this run"), "\(error)")
        }
        try Data("[]".utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try PassKResults(contentsOf: path)) { error in
            XCTAssertTrue("\(error)".contains("not a dscope passk results file"), "\(error)")
        }
    }

    func testMergeRefusesDifferentExperimentsAndConflictingSamples() throws {
        let tasks = MeasurementFixtures.tasks(2)
        let a = try run(tasks, n: 2)
        var other = PassKResults(tool: "dscope test", config: MeasurementFixtures.config(tasks, n: 2, seed: 6), shards: nil, ks: [1])
        try PassKRun(decoder: MeasurementFixtures.decoder(MeasurementFixtures.model()), tasks: tasks).run(&other)
        XCTAssertThrowsError(try PassKResults.merge([("a.json", a), ("b.json", other)])) { error in
            XCTAssertEqual(error as? PassKMergeError, .differentRuns(first: "a.json", other: "b.json", field: "seed"))
        }
        var edited = a
        var flipped = a.samples[0]
        flipped.correct.toggle()
        edited.record(flipped)
        XCTAssertThrowsError(try PassKResults.merge([("a.json", a), ("c.json", edited)])) { error in
            XCTAssertEqual(error as? PassKMergeError, .conflictingSample(flipped.key, first: "a.json", other: "c.json"))
        }
        XCTAssertThrowsError(try PassKResults.merge([]))
    }

    func testReportCountsCompleteTasksAndTasksSolvedByOnlyOneOrder() throws {
        let tasks = MeasurementFixtures.tasks(4)
        // task-0: ar 2 of 4, confidence none; task-1: both; task-2: confidence only; task-3 unfinished.
        let correct: [String: [DecodeOrder: Int]] = ["task-0": [.ar: 2], "task-1": [.ar: 4, .confidence: 1], "task-2": [.confidence: 3]]
        var results = PassKResults(tool: "t", config: MeasurementFixtures.config(tasks, n: 4), shards: nil, ks: [1, 2, 4, 8])
        for key in results.config.keys() where key.taskId != "task-3" || key.sample < 2 {
            let right = key.sample < (correct[key.taskId]?[key.order] ?? 0)
            results.record(SampleResult(key: key, seed: 0, correct: right, extracted: nil, text: "", steps: 3,
                                        forwardPasses: 3, decodeMillis: 1))
        }
        let report = PassKReport(results: results)
        XCTAssertEqual(report.plannedTasks, 4)
        XCTAssertEqual(report.completeTasks, 3)
        let ar = report.curves[0], confidence = report.curves[1]
        XCTAssertEqual(ar.solvedOnlyHere, ["task-0"])
        XCTAssertEqual(confidence.solvedOnlyHere, ["task-2"])
        XCTAssertEqual(ar.points.map(\.k), [1, 2, 4], "k above n is left out")
        XCTAssertEqual(ar.accuracy, 6.0 / 12)
        XCTAssertEqual(ar.points[0].estimate, ar.accuracy, accuracy: 1e-12)
        let expected = (PassAtK.estimate(samples: 4, correct: 2, k: 2) + 1 + 0) / 3
        XCTAssertEqual(ar.points[1].estimate, expected, accuracy: 1e-12)
        XCTAssertTrue(ar.points[1].interval.contains(expected))
        XCTAssertEqual(confidence.points[2].estimate, 2.0 / 3, accuracy: 1e-12)
    }
}
