import Foundation
import Kernels

/// Logits rows for the positions a caller asked for: `rows × columns` floats, row-major.
public struct LogitsMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

    public init(rows: Int, columns: Int, values: [Float]) {
        precondition(values.count == rows * columns)
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    public func row(_ index: Int) -> ArraySlice<Float> {
        values[(index * columns)..<((index + 1) * columns)]
    }
}

/// The LLaDA transformer (DECODING.md): a LLaMA-style block stack with fully bidirectional
/// attention and no time input; each position predicts its own token in place. Dream runs on the
/// same stack with q/k/v biases and reads its predictions one row earlier (`shiftsLogits`).
/// Not thread-safe: one forward at a time (activations are reused between calls).
public final class LLaDAModel: @unchecked Sendable {
    public let config: LLaDAConfig
    public let weights: LLaDAWeights
    public var threads: Int
    private let rotary: RotaryEmbedding
    private var activations: Activations?

    public init(config: LLaDAConfig, weights: LLaDAWeights, threads: Int) {
        self.config = config
        self.weights = weights
        self.threads = max(1, threads)
        rotary = RotaryEmbedding(headDim: config.headDim, theta: config.ropeTheta,
                                 pairing: weights.rotaryPairing)
    }

    /// Loads a Hugging Face folder: `config.json` (LLaDA or Dream) and its safetensors weights
    /// (memory-mapped, stored precision).
    public convenience init(folder: String, threads: Int) throws {
        let config = try LLaDAConfig.load(folder: folder)
        let weights = try LLaDAWeights(config: config, source: SafetensorsCheckpoint(folder: folder),
                                       layout: .huggingFace(for: config))
        self.init(config: config, weights: weights, threads: threads)
    }

    /// Whether position i's prediction is logits row i − 1 (row 0 for position 0) rather than
    /// row i: true for Dream. `logits` returns the rows asked for; the decoder applies the shift.
    public var shiftsLogits: Bool { config.shiftsLogits }

    /// Runs the whole canvas and returns the logits of `positions` only (the decoder needs the
    /// rows of masked positions, not every 126k-wide row). With a `cache`, every layer's keys and
    /// values are kept in it for later windowed forwards. Optional `timing` receives seconds
    /// spent in the embedding, each block, and the head.
    public func logits(tokens: [Int], positions: [Int], filling cache: KVCache? = nil,
                       timing: ((ForwardPhase, Double) -> Void)? = nil) -> LogitsMatrix {
        if let cache { precondition(cache.rows == tokens.count, "the cache belongs to another canvas length") }
        return forward(tokens: tokens, window: 0..<tokens.count, positions: positions, cache: cache,
                       attendsToCache: false, timing: timing)
    }

    /// Fast-dLLM's cached step: runs only the canvas rows in `window` (their keys and values
    /// replace the cache's) and lets them attend to the cache for every other row, as the forward
    /// that filled it saw them. `positions` must lie in the window.
    public func logits(tokens: [Int], window: Range<Int>, positions: [Int], cache: KVCache,
                       timing: ((ForwardPhase, Double) -> Void)? = nil) -> LogitsMatrix {
        precondition(cache.rows == tokens.count, "the cache belongs to another canvas length")
        precondition(!window.isEmpty && window.clamped(to: 0..<tokens.count) == window, "window outside the canvas")
        precondition(positions.allSatisfy(window.contains), "logits asked for a row outside the window")
        return forward(tokens: tokens, window: window, positions: positions, cache: cache,
                       attendsToCache: true, timing: timing)
    }

    private func forward(tokens: [Int], window: Range<Int>, positions: [Int], cache: KVCache?,
                         attendsToCache: Bool, timing: ((ForwardPhase, Double) -> Void)?) -> LogitsMatrix {
        let W = window.count, d = config.dModel
        precondition(!tokens.isEmpty, "empty canvas")
        precondition(tokens.allSatisfy { $0 >= 0 && $0 < config.embeddingSize }, "token id outside the embedding")
        precondition(positions.allSatisfy { $0 >= 0 && $0 < tokens.count }, "position outside the canvas")
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

        // Final norm and head only for the requested rows.
        let P = positions.count, V = config.embeddingSize
        var result = LogitsMatrix(rows: P, columns: V, values: [Float](repeating: 0, count: P * V))
        if P > 0 {
            let selected = UnsafeMutablePointer<Float>.allocate(capacity: P * d)
            defer { selected.deallocate() }
            for (row, position) in positions.enumerated() {
                rmsNorm(a.x + (position - window.lowerBound) * d, rows: 1, width: d, weight: weights.finalNorm,
                        eps: config.rmsNormEps, into: selected + row * d)
            }
            result.values.withUnsafeMutableBufferPointer { out in
                matmul(selected, rows: P, weights.outputHead, into: out.baseAddress!, threads: threads)
            }
        }
        clock.lap(.head)
        return result
    }

    /// One block over the window's rows; keys and values of the window go into `cache` when there
    /// is one, and with `attendsToCache` the attention reads every row's keys and values from it.
    private func forwardBlock(_ block: LLaDABlockWeights, layer: Int, window: Range<Int>, _ a: Activations,
                              cache: KVCache?, attendsToCache: Bool) {
        let T = window.count, d = config.dModel, hidden = config.mlpHiddenSize
        let heads = config.nHeads, kvHeads = config.nKVHeads, headDim = config.headDim

        // Attention: x += attn_out(attention(rope(q), rope(k), v)) of RMSNorm(x)·attn_norm.
        rmsNorm(a.x, rows: T, width: d, weight: block.attentionNorm, eps: config.rmsNormEps, into: a.normed)
        matmul(a.normed, rows: T, block.query, into: a.q, threads: threads)
        matmul(a.normed, rows: T, block.key, into: a.k, threads: threads)
        matmul(a.normed, rows: T, block.value, into: a.v, threads: threads)
        addBias(block.queryBias, to: a.q, rows: T)
        addBias(block.keyBias, to: a.k, rows: T)
        addBias(block.valueBias, to: a.v, rows: T)
        cache?.store(layer: layer, keys: a.k, values: a.v, first: window.lowerBound, count: T)
        rotary.apply(a.q, rows: T, heads: heads, firstPosition: window.lowerBound)
        if let cache, attendsToCache {
            cache.rotatedKeys.update(from: cache.keys[layer], count: cache.rows * cache.width)
            rotary.apply(cache.rotatedKeys, rows: cache.rows, heads: kvHeads)
            bidirectionalAttention(q: a.q, queries: T, k: cache.rotatedKeys, v: cache.values[layer], keys: cache.rows,
                                   heads: heads, kvHeads: kvHeads, headDim: headDim, into: a.attended, threads: threads)
        } else {
            rotary.apply(a.k, rows: T, heads: kvHeads)
            bidirectionalAttention(q: a.q, queries: T, k: a.k, v: a.v, keys: T, heads: heads,
                                   kvHeads: kvHeads, headDim: headDim, into: a.attended, threads: threads)
        }
        matmul(a.attended, rows: T, block.attentionOutput, into: a.projected, threads: threads)
        add(a.projected, into: a.x, count: T * d)

        // Gated MLP: x += ff_out(silu(ff_proj(h)) ⊙ up_proj(h)), h = RMSNorm(x)·ff_norm.
        rmsNorm(a.x, rows: T, width: d, weight: block.feedForwardNorm, eps: config.rmsNormEps, into: a.normed)
        matmul(a.normed, rows: T, block.gate, into: a.gate, threads: threads)
        matmul(a.normed, rows: T, block.up, into: a.up, threads: threads)
        swiGLU(gate: a.gate, up: a.up, count: T * hidden)
        matmul(a.gate, rows: T, block.down, into: a.projected, threads: threads)
        add(a.projected, into: a.x, count: T * d)
    }

    private func addBias(_ bias: [Float]?, to x: UnsafeMutablePointer<Float>, rows: Int) {
        guard let bias else { return }
        bias.withUnsafeBufferPointer { b in
            for t in 0..<rows { add(b.baseAddress!, into: x + t * b.count, count: b.count) }
        }
    }

    private func activations(forRows rows: Int) -> Activations {
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

private struct PhaseClock {
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
private final class Activations {
    let capacity: Int
    let x: UnsafeMutablePointer<Float>          // (T, d) residual stream
    let normed: UnsafeMutablePointer<Float>     // (T, d)
    let q: UnsafeMutablePointer<Float>          // (T, n_heads·head_dim)
    let k: UnsafeMutablePointer<Float>          // (T, n_kv_heads·head_dim)
    let v: UnsafeMutablePointer<Float>          // (T, n_kv_heads·head_dim)
    let attended: UnsafeMutablePointer<Float>   // (T, d)
    let projected: UnsafeMutablePointer<Float>  // (T, d)
    let gate: UnsafeMutablePointer<Float>       // (T, hidden)
    let up: UnsafeMutablePointer<Float>         // (T, hidden)

    init(rows: Int, config: LLaDAConfig) {
        capacity = rows
        let d = config.dModel, kv = config.nKVHeads * config.headDim, hidden = config.mlpHiddenSize
        x = .allocate(capacity: rows * d)
        normed = .allocate(capacity: rows * d)
        q = .allocate(capacity: rows * d)
        k = .allocate(capacity: rows * kv)
        v = .allocate(capacity: rows * kv)
        attended = .allocate(capacity: rows * d)
        projected = .allocate(capacity: rows * d)
        gate = .allocate(capacity: rows * hidden)
        up = .allocate(capacity: rows * hidden)
    }

    deinit {
        for buffer in [x, normed, q, k, v, attended, projected, gate, up] { buffer.deallocate() }
    }
}
