import Models
import XCTest
@testable import Decoder

final class ShardTests: XCTestCase {
    private func config(tasks: Int, n: Int) -> PassKConfig {
        PassKConfig(model: ModelIdentity(id: "m", configHash: "h"),
                    tasks: TaskSet(file: "t", ids: (0..<tasks).map { "task-\($0)" }, fingerprint: "f"),
                    checker: .auto, chat: false, samplesPerTask: n, orders: [.ar, .confidence], generationLength: 4,
                    settings: DecodeSettings())
    }

    func testShardsPartitionEveryTaskSampleAndOrderExactlyOnce() throws {
        let run = config(tasks: 11, n: 3)
        let all = run.keys()
        XCTAssertEqual(all.count, 11 * 3 * 2)
        for count in [1, 2, 4, 11, 13] {
            var seen: [SampleKey: Int] = [:]
            for index in 0..<count {
                for key in run.keys(shards: ShardSet(try Shard(index: index, count: count))) { seen[key, default: 0] += 1 }
            }
            XCTAssertEqual(Set(seen.keys), Set(all), "\(count) shards")
            XCTAssertTrue(seen.values.allSatisfy { $0 == 1 }, "\(count) shards")
        }
    }

    func testAShardHoldsWholeTasks() throws {
        let keys = config(tasks: 6, n: 2).keys(shards: ShardSet(try Shard(index: 1, count: 3)))
        XCTAssertEqual(Set(keys.map(\.taskId)), ["task-1", "task-4"])
        XCTAssertEqual(keys.count, 2 * 2 * 2)
    }

    func testParsesIndexSlashCount() throws {
        XCTAssertEqual(try Shard(parsing: "2/8"), try Shard(index: 2, count: 8))
        for bad in ["8/8", "-1/8", "1", "a/b", "1/0", "1/2/3"] {
            XCTAssertThrowsError(try Shard(parsing: bad), bad)
        }
    }

    func testReadsSlurmArraysAndKubernetesIndexedJobs() throws {
        XCTAssertNil(try Shard.fromEnvironment([:]))
        XCTAssertEqual(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "8"]),
                       try Shard(index: 3, count: 8))
        XCTAssertEqual(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "8", "SLURM_ARRAY_TASK_MIN": "1",
                                                  "SLURM_ARRAY_TASK_COUNT": "8"]), try Shard(index: 7, count: 8),
                       "--array=1-8")
        XCTAssertEqual(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "6", "SLURM_ARRAY_TASK_MIN": "0",
                                                  "SLURM_ARRAY_TASK_STEP": "2", "SLURM_ARRAY_TASK_COUNT": "4"]),
                       try Shard(index: 3, count: 4), "--array=0-6:2")
        XCTAssertEqual(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "0", "JOB_COMPLETIONS": "4"]),
                       try Shard(index: 0, count: 4))
        XCTAssertThrowsError(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "0"])) { error in
            XCTAssertEqual(error as? ShardError, .missingCount(index: "JOB_COMPLETION_INDEX", count: "JOB_COMPLETIONS"))
        }
        XCTAssertThrowsError(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "x", "SLURM_ARRAY_TASK_COUNT": "2"]))
    }

    func testSampleSeedsDependOnlyOnTaskIdAndSampleIndex() {
        let seed = SampleSeed.seed(base: 0, taskId: "heldout-007", sample: 3)
        XCTAssertEqual(seed, SampleSeed.seed(base: 0, taskId: "heldout-007", sample: 3))
        XCTAssertNotEqual(seed, SampleSeed.seed(base: 0, taskId: "heldout-007", sample: 4))
        XCTAssertNotEqual(seed, SampleSeed.seed(base: 0, taskId: "heldout-008", sample: 3))
        XCTAssertNotEqual(seed, SampleSeed.seed(base: 1, taskId: "heldout-007", sample: 3))
        let key = SampleKey(taskId: "heldout-007", order: .ar, sample: 3)
        XCTAssertEqual(config(tasks: 1, n: 1).settings(for: key).seed, seed)
    }
}
