import Foundation
import XCTest
@testable import Decoder

/// A results file's every setting is checked on load, before n × orders × tasks samples are
/// planned: an edited n or count ends in one line naming the field, never a trap or a huge
/// allocation.
final class PassKResultsBoundsTests: XCTestCase {
    /// A small complete run's results file as a JSON object.
    private func resultsObject() throws -> [String: Any] {
        let tasks = MeasurementFixtures.tasks(2)
        var results = PassKResults(tool: "dscope test", config: MeasurementFixtures.config(tasks, n: 2), shards: nil, ks: [1, 2])
        try PassKRun(decoder: MeasurementFixtures.decoder(MeasurementFixtures.model()), tasks: tasks).run(&results) { _ in }
        return try XCTUnwrap(JSONSerialization.jsonObject(with: try results.json()) as? [String: Any])
    }

    private func load(_ object: [String: Any]) throws -> PassKResults {
        let path = MeasurementFixtures.temporaryFile("bounds.json")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return try PassKResults(contentsOf: path)
    }

    private func assertInvalid(_ change: (inout [String: Any]) -> Void, mentions words: [String], line: UInt = #line) throws {
        var object = try resultsObject()
        change(&object)
        XCTAssertThrowsError(try load(object), line: line) { error in
            guard case let .invalid(_, problem)? = error as? PassKResultsError else { return XCTFail("\(error)", line: line) }
            for word in words { XCTAssertTrue(problem.contains(word), "\(problem) should mention \(word)", line: line) }
        }
    }

    private func setRun(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var run = object["run"] as! [String: Any]
            run[key] = value
            object["run"] = run
        }
    }

    private func setSample(_ key: String, _ value: Any) -> (inout [String: Any]) -> Void {
        { object in
            var samples = object["samples"] as! [[String: Any]]
            samples[0][key] = value
            object["samples"] = samples
        }
    }

    func testTheUneditedFileLoads() throws {
        XCTAssertNoThrow(try load(try resultsObject()))
    }

    func testSamplesPerTaskMustBePositiveAndBounded() throws {
        for n in [0, -1, 1 << 40, Int.max] {
            try assertInvalid(setRun("n", n), mentions: ["run.n \(n)", "1…10000"])
        }
    }

    func testOrdersGenerationLengthAndTaskCountAreChecked() throws {
        try assertInvalid(setRun("orders", [String]()), mentions: ["run.orders"])
        try assertInvalid(setRun("orders", ["ar", "ar"]), mentions: ["run.orders"])
        try assertInvalid(setRun("generation_length", 1 << 61), mentions: ["run.generation_length"])
        try assertInvalid(setRun("generation_length", 0), mentions: ["run.generation_length 0"])
        try assertInvalid({ object in
            var run = object["run"] as! [String: Any]
            var tasks = run["tasks"] as! [String: Any]
            tasks["ids"] = (0..<1_000).map { "t\($0)" }
            run["tasks"] = tasks
            run["n"] = 10_000
            object["run"] = run
        }, mentions: ["run.tasks.ids"])
    }

    func testKAndShardsAreBounded() throws {
        try assertInvalid({ $0["k"] = [0] }, mentions: ["k 0"])
        try assertInvalid({ $0["k"] = [Int.max] }, mentions: ["k 9223372036854775807"])
        try assertInvalid({ $0["shards"] = ["count": 0, "indices": [Int]()] }, mentions: ["shards.count 0"])
        try assertInvalid({ $0["shards"] = ["count": Int.max, "indices": [0]] }, mentions: ["shards.count"])
    }

    func testSampleCountsAndTimesAreBounded() throws {
        try assertInvalid(setSample("forward_passes", Int.max), mentions: ["samples[0].forward_passes"])
        try assertInvalid(setSample("steps", -1), mentions: ["samples[0].steps -1"])
        try assertInvalid(setSample("decode_ms", -1), mentions: ["samples[0].decode_ms"])
    }

    func testSettingsAreValidatedAsADecodeWould() throws {
        try assertInvalid({ object in
            var run = object["run"] as! [String: Any]
            var settings = run["settings"] as! [String: Any]
            settings["parallelism"] = ["rule": "schedule", "steps": Int.max - 7]
            run["settings"] = settings
            object["run"] = run
        }, mentions: ["run.settings"])
    }
}

/// Shards from flags and the environment keep to the bounds a results file is read with.
final class ShardBoundsTests: XCTestCase {
    func testShardCountsAreBoundedLikeResultsFiles() {
        XCTAssertThrowsError(try Shard(parsing: "0/\(PassKConfig.maxShards + 1)"))
        XCTAssertThrowsError(try Shard(parsing: "0/9223372036854775807"))
        XCTAssertNoThrow(try Shard(parsing: "7/\(PassKConfig.maxShards)"))
    }

    func testExtremeSlurmNumbersAreErrorsNotTraps() {
        let environment = ["SLURM_ARRAY_TASK_ID": "-9223372036854775808", "SLURM_ARRAY_TASK_MIN": "1",
                           "SLURM_ARRAY_TASK_COUNT": "8"]
        XCTAssertThrowsError(try Shard.fromEnvironment(environment))
    }
}
