import Kernels

/// Random weights of any requested shape, made on demand: a model of real size (e.g. LLaDA-8B's
/// shapes) for benchmarks without the download. Matrices are random; norm weights are 1.
public final class SyntheticWeights: WeightSource, @unchecked Sendable {
    public let dtype: WeightDType
    private var made: [RandomWeights] = []
    private var nextSeed: UInt64

    public init(dtype: WeightDType, seed: UInt64 = 1) {
        self.dtype = dtype
        nextSeed = seed
    }

    public var byteCount: Int { made.reduce(0) { $0 + $1.matrix.byteCount } }

    public func matrix(_ name: String, rows: Int, columns: Int) throws -> WeightMatrix {
        nextSeed &+= 1
        let weights = RandomWeights(rows: rows, columns: columns, dtype: dtype, seed: nextSeed)
        made.append(weights)
        return weights.matrix
    }

    public func vector(_ name: String, count: Int) throws -> [Float] {
        [Float](repeating: 1, count: count)
    }

    public func contains(_ name: String) -> Bool { true }
}
