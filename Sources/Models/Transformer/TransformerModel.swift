import Foundation
import Kernels

/// The bidirectional block stack every architecture here runs on (DECODING.md): token
/// embedding, `nLayers` pre-norm blocks of attention and gated MLP, final norm and head; no time
/// input. What differs between architectures is data: `config.traits` (q/k/v biases, shifted
/// logits) and the weights' `TensorLayout`. Not thread-safe: one forward at a time (activations
/// are reused between calls).
public final class TransformerModel: @unchecked Sendable {
    public let config: TransformerConfig
    public let weights: TransformerWeights
    public var threads: Int
    /// How messages name the model: its folder, file or bundled name.
    public var name = "the model"
    let rotary: RotaryEmbedding
    private var activations: Activations?

    public init(config: TransformerConfig, weights: TransformerWeights, threads: Int) {
        self.config = config
        self.weights = weights
        self.threads = max(1, threads)
        rotary = RotaryEmbedding(headDim: config.headDim, theta: config.ropeTheta,
                                 pairing: weights.rotaryPairing, rotaryDimensions: config.traits.rotaryDimensions)
    }

    /// Loads a Hugging Face folder of any registered architecture: `config.json` and its
    /// safetensors weights (memory-mapped, stored precision).
    public convenience init(folder: String, threads: Int) throws {
        let configuration = try ArchitectureRegistry.configuration(folder: folder)
        let weights = try TransformerWeights(config: configuration.transformer,
                                             source: SafetensorsCheckpoint(folder: folder),
                                             layout: configuration.layout)
        self.init(config: configuration.transformer, weights: weights, threads: threads)
        name = folder
    }

    /// Whether position i's prediction is logits row i − 1 (row 0 for position 0) rather than
    /// row i (Dream). `logits` returns the rows asked for; the decoder applies the shift.
    public var shiftsLogits: Bool { config.traits.shiftsLogits }

    /// Runs the whole canvas and returns the logits of `positions` only (the decoder needs the
    /// rows of masked positions, not every 126k-wide row). With a `cache`, every layer's keys and
    /// values are kept in it for later windowed forwards. Optional `timing` receives seconds
    /// spent in the embedding, each block, and the head.
    public func logits(tokens: [Int], positions: [Int], filling cache: KVCache? = nil,
                       timing: ((ForwardPhase, Double) -> Void)? = nil) throws -> LogitsMatrix {
        if let blockLength = config.blockLength, cache == nil {
            // Block diffusion: the whole canvas under the block-causal mask, the same forward
            // as a block step against a cache of everything before it.
            return try blockForward(tokens: tokens, start: 0, cache: makeBlockCache(capacity: tokens.count, blockLength: blockLength),
                                    rows: positions, commit: false, timing: timing)
        }
        if let cache, cache.rows != tokens.count {
            throw ForwardError.cacheLength(cacheRows: cache.rows, canvas: tokens.count)
        }
        return try forward(tokens: tokens, window: 0..<tokens.count, positions: positions, cache: cache,
                           attendsToCache: false, timing: timing)
    }

    /// Fast-dLLM's cached step: runs only the canvas rows in `window` (their keys and values
    /// replace the cache's) and lets them attend to the cache for every other row, as the forward
    /// that filled it saw them. `positions` must lie in the window.
    public func logits(tokens: [Int], window: Range<Int>, positions: [Int], cache: KVCache,
                       timing: ((ForwardPhase, Double) -> Void)? = nil) throws -> LogitsMatrix {
        guard cache.rows == tokens.count else {
            throw ForwardError.cacheLength(cacheRows: cache.rows, canvas: tokens.count)
        }
        guard !window.isEmpty, window.clamped(to: 0..<tokens.count) == window else {
            throw ForwardError.windowOutsideCanvas(window, canvas: tokens.count)
        }
        if let outside = positions.first(where: { !window.contains($0) }) {
            throw ForwardError.positionOutsideWindow(outside, window)
        }
        return try forward(tokens: tokens, window: window, positions: positions, cache: cache,
                           attendsToCache: true, timing: timing)
    }

    private func forward(tokens: [Int], window: Range<Int>, positions: [Int], cache: KVCache?,
                         attendsToCache: Bool, timing: ((ForwardPhase, Double) -> Void)?) throws -> LogitsMatrix {
        let W = window.count, d = config.dModel
        guard !tokens.isEmpty else { throw ForwardError.emptyCanvas }
        if let bad = tokens.first(where: { !(0..<config.embeddingSize).contains($0) }) {
            throw ForwardError.tokenOutsideEmbedding(bad, rows: config.embeddingSize)
        }
        if let bad = positions.first(where: { !(0..<tokens.count).contains($0) }) {
            throw ForwardError.positionOutsideCanvas(bad, canvas: tokens.count)
        }
        let a = activations(forRows: W)
        var clock = PhaseClock(report: timing)

        for (row, t) in window.enumerated() {
            weights.tokenEmbedding.copyRow(tokens[t], into: a.x + row * d)
        }
        clock.lap(.embedding)
        for (index, block) in weights.blocks.enumerated() {
            forwardBlock(block, layer: index, window: window, a, cache: cache, attendsToCache: attendsToCache)
            clock.lap(.block(index))
        }
        let result = head(a, rows: positions.map { $0 - window.lowerBound })
        clock.lap(.head)
        return result
    }

    /// Final norm and head only for the requested rows of the activations.
    func head(_ a: Activations, rows: [Int]) -> LogitsMatrix {
        let d = config.dModel
        let P = rows.count, V = config.embeddingSize
        var result = LogitsMatrix(rows: P, columns: V, values: [Float](repeating: 0, count: P * V))
        if P > 0 {
            let selected = UnsafeMutablePointer<Float>.allocate(capacity: P * d)
            defer { selected.deallocate() }
            for (row, position) in rows.enumerated() {
                rmsNorm(a.x + position * d, rows: 1, width: d, weight: weights.finalNorm,
                        eps: config.rmsNormEps, into: selected + row * d)
            }
            result.values.withUnsafeMutableBufferPointer { out in
                project(selected, rows: P, weights.outputHead, into: out.baseAddress!)
            }
        }
        return result
    }

    /// Every projection of the forward. Block-diffusion models use the row-stable kernel, so a
    /// block step is bit-identical to the same rows in a forward of the whole prefix.
    func project(_ x: UnsafePointer<Float>, rows: Int, _ w: WeightMatrix, into out: UnsafeMutablePointer<Float>) {
        if config.blockLength != nil {
            rowStableMatmul(x, rows: rows, w, into: out, threads: threads)
        } else {
            matmul(x, rows: rows, w, into: out, threads: threads)
        }
    }

    /// One block over the window's rows; keys and values of the window go into `cache` when there
    /// is one, and with `attendsToCache` the attention reads every row's keys and values from it.
    /// With a `blockCache`, the window's rows sit at positions window.lowerBound... after the
    /// cache's committed ones and attend block-causally to both (its `cache` is then nil).
    func forwardBlock(_ block: TransformerBlockWeights, layer: Int, window: Range<Int>, _ a: Activations,
                      cache: KVCache?, attendsToCache: Bool, blockCache: BlockKVCache? = nil) {
        let T = window.count, d = config.dModel
        let heads = config.nHeads, kvHeads = config.nKVHeads, headDim = config.headDim

        // Attention: x += attn_out(attention(rope(q), rope(k), v)) of RMSNorm(x)·attn_norm.
        rmsNorm(a.x, rows: T, width: d, weight: block.attentionNorm, eps: config.rmsNormEps, into: a.normed)
        project(a.normed, rows: T, block.query, into: a.q)
        project(a.normed, rows: T, block.key, into: a.k)
        project(a.normed, rows: T, block.value, into: a.v)
        addBias(block.queryBias, to: a.q, rows: T)
        addBias(block.keyBias, to: a.k, rows: T)
        addBias(block.valueBias, to: a.v, rows: T)
        if let queryNorm = block.queryNorm, let keyNorm = block.keyNorm {
            rmsNorm(a.q, rows: T * heads, width: headDim, weight: queryNorm, eps: config.rmsNormEps, into: a.q)
            rmsNorm(a.k, rows: T * kvHeads, width: headDim, weight: keyNorm, eps: config.rmsNormEps, into: a.k)
        }
        cache?.store(layer: layer, keys: a.k, values: a.v, first: window.lowerBound, count: T)
        rotary.apply(a.q, rows: T, heads: heads, firstPosition: window.lowerBound)
        if let blockCache {
            blockCausalAttention(layer: layer, window: window, a, cache: blockCache)
        } else if let cache, attendsToCache {
            cache.rotatedKeys.update(from: cache.keys[layer], count: cache.rows * cache.width)
            rotary.apply(cache.rotatedKeys, rows: cache.rows, heads: kvHeads)
            bidirectionalAttention(q: a.q, queries: T, k: cache.rotatedKeys, v: cache.values[layer], keys: cache.rows,
                                   heads: heads, kvHeads: kvHeads, headDim: headDim, into: a.attended, threads: threads)
        } else {
            rotary.apply(a.k, rows: T, heads: kvHeads)
            bidirectionalAttention(q: a.q, queries: T, k: a.k, v: a.v, keys: T, heads: heads,
                                   kvHeads: kvHeads, headDim: headDim, into: a.attended, threads: threads)
        }
        project(a.attended, rows: T, block.attentionOutput, into: a.projected)
        addBias(block.attentionOutputBias, to: a.projected, rows: T)
        add(a.projected, into: a.x, count: T * d)

        // Gated MLP: x += ff_out(silu(ff_proj(h)) ⊙ up_proj(h)), h = RMSNorm(x)·ff_norm; or the
        // routed sum of several such experts.
        rmsNorm(a.x, rows: T, width: d, weight: block.feedForwardNorm, eps: config.rmsNormEps, into: a.normed)
        switch block.feedForward {
        case let .dense(mlp):
            gatedMLP(a.normed, rows: T, mlp, scratch: a, into: a.projected)
            add(a.projected, into: a.x, count: T * d)
        case let .experts(mixture):
            mixtureOfExperts(a.normed, rows: T, mixture, scratch: a, into: a.mixture)
            add(a.mixture, into: a.x, count: T * d)
        }
    }

    private func addBias(_ bias: [Float]?, to x: UnsafeMutablePointer<Float>, rows: Int) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { b in
            for t in 0..<rows { add(b.baseAddress!, into: x + t * b.count, count: b.count) }
        }
    }

    func activations(forRows rows: Int) -> Activations {
        // Row-major buffers serve any row count up to their capacity (windows shrink and grow).
        if let existing = activations, existing.capacity >= rows { return existing }
        let made = Activations(rows: rows, config: config)
        activations = made
        return made
    }
}

/// Where a forward pass spends its time, for benchmarks.
public enum ForwardPhase: Equatable, Sendable {
    case embedding
    case block(Int)
    case head
}

struct PhaseClock {
    let report: ((ForwardPhase, Double) -> Void)?
    var last = DispatchTime.now().uptimeNanoseconds

    init(report: ((ForwardPhase, Double) -> Void)?) { self.report = report }

    mutating func lap(_ phase: ForwardPhase) {
        guard let report else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        report(phase, Double(now - last) / 1e9)
        last = now
    }
}

/// Activation buffers of one forward, sized to the largest canvas or window seen.
final class Activations {
    let capacity: Int
    let x: UnsafeMutablePointer<Float>          // (T, d) residual stream
    let normed: UnsafeMutablePointer<Float>     // (T, d)
    let q: UnsafeMutablePointer<Float>          // (T, n_heads·head_dim)
    let k: UnsafeMutablePointer<Float>          // (T, n_kv_heads·head_dim)
    let v: UnsafeMutablePointer<Float>          // (T, n_kv_heads·head_dim)
    let attended: UnsafeMutablePointer<Float>   // (T, n_heads·head_dim)
    let projected: UnsafeMutablePointer<Float>  // (T, d)
    let gate: UnsafeMutablePointer<Float>       // (T, hidden)
    let up: UnsafeMutablePointer<Float>         // (T, hidden)
    let routerLogits: UnsafeMutablePointer<Float> // (T, n_experts)  mixture-of-experts blocks
    let mixture: UnsafeMutablePointer<Float>    // (T, d)            their experts' weighted sum

    init(rows: Int, config: TransformerConfig) {
        capacity = rows
        let d = config.dModel, kv = config.nKVHeads * config.headDim, hidden = config.widestHidden
        let qWidth = config.nHeads * config.headDim
        x = .allocate(capacity: rows * d)
        normed = .allocate(capacity: rows * d)
        q = .allocate(capacity: rows * qWidth)
        k = .allocate(capacity: rows * kv)
        v = .allocate(capacity: rows * kv)
        attended = .allocate(capacity: rows * qWidth)
        projected = .allocate(capacity: rows * d)
        gate = .allocate(capacity: rows * hidden)
        up = .allocate(capacity: rows * hidden)
        let experts = config.experts?.count ?? 0
        routerLogits = .allocate(capacity: rows * experts)
        mixture = .allocate(capacity: experts > 0 ? rows * d : 0)
    }

    deinit {
        for buffer in [x, normed, q, k, v, attended, projected, gate, up, routerLogits, mixture] { buffer.deallocate() }
    }
}

extension TransformerModel: CachingDenoisingModel {
    public var vocabulary: VocabularyFacts {
        VocabularyFacts(maskId: config.maskTokenId, eosId: config.eosTokenId,
                        logitColumns: config.embeddingSize)
    }

    public var modelName: String { name }
    public var contextLength: Int? { config.maxSequenceLength }

    public func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix {
        try logits(tokens: canvas, positions: positions)
    }

    /// A cached step reads its window's rows in place, so a shifted model would read row i − 1
    /// across the window's edge from stale keys: only unshifted models cache.
    public var cachesSteps: Bool { !shiftsLogits }

    public func makeCache(rows: Int) -> KVCache { KVCache(rows: rows, config: config) }

    public func logits(canvas: [Int], positions: [Int], filling cache: KVCache) throws -> LogitsMatrix {
        try logits(tokens: canvas, positions: positions, filling: cache)
    }

    public func logits(canvas: [Int], window: Range<Int>, positions: [Int], cache: KVCache) throws -> LogitsMatrix {
        try logits(tokens: canvas, window: window, positions: positions, cache: cache)
    }
}
