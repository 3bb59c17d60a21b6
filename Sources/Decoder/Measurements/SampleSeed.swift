import Models

/// The seed of one sample, from the run's base seed, the task id and the sample index alone, so
/// any sample re-runs by itself (`dscope decode --seed S` with the task's prompt) whatever the
/// task file order, --limit or shard:
///
///     seed = mix(mix(base ^ fnv1a64(UTF-8 of task id)) ^ sample)
///
/// with `mix` the first output of SplitMix64 (as in NoiseStreams) and `sample` 0-based. Every
/// order uses the same seed for the same (task, sample).
public enum SampleSeed {
    public static func seed(base: UInt64, taskId: String, sample: Int) -> UInt64 {
        let perTask = NoiseStreams.mix(base ^ ModelIdentity.fnv1a64(taskId.utf8))
        return NoiseStreams.mix(perTask ^ UInt64(sample))
    }
}
