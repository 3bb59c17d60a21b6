import Foundation
import Kernels

/// Logits rows for the positions a caller asked for: `rows × columns` floats, row-major.
public struct LogitsMatrix: Sendable {
    public let rows: Int
    public let columns: Int
    public var values: [Float]

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
    /// rows of masked positions, not every 126k-wide row). Optional `timing` receives seconds
    /// spent in the embedding, each block, and the head.
    public func logits(tokens: [Int], positions: [Int], timing: ((ForwardPhase, Double) -> Void)? = nil) -> LogitsMatrix {
        let T = tokens.count, d = config.dModel
        precondition(T > 0, "empty canvas")
        precondition(tokens.allSatisfy { $0 >= 0 && $0 < config.embeddingSize }, "token id outside the embedding")
        precondition(positions.allSatisfy { $0 >= 0 && $0 < T }, "position outside the canvas")
        let a = activations(forRows: T)
        var clock = PhaseClock(report: timing)

        for (t, token) in tokens.enumerated() {
            weights.tokenEmbedding.copyRow(token, into: a.x + t * d)
        }
        clock.lap(.embedding)
        for (index, block) in weights.blocks.enumerated() {
            forwardBlock(block, rows: T, a)
            clock.lap(.block(index))
        }

        // Final norm and head only for the requested rows.
        let P = positions.count, V = config.embeddingSize
        var result = LogitsMatrix(rows: P, columns: V, values: [Float](repeating: 0, count: P * V))
        if P > 0 {
            let selected = UnsafeMutablePointer<Float>.allocate(capacity: P * d)
            defer { selected.deallocate() }
            for (row, position) in positions.enumerated() {
                rmsNorm(a.x + position * d, rows: 1, width: d, weight: weights.finalNorm,
                        eps: config.rmsNormEps, into: selected + row * d)
            }
            result.values.withUnsafeMutableBufferPointer { out in
                matmul(selected, rows: P, weights.outputHead, into: out.baseAddress!, threads: threads)
            }
        }
        clock.lap(.head)
        return result
    }

    private func forwardBlock(_ block: LLaDABlockWeights, rows T: Int, _ a: Activations) {
        let d = config.dModel, hidden = config.mlpHiddenSize
        let heads = config.nHeads, kvHeads = config.nKVHeads, headDim = config.headDim

        // Attention: x += attn_out(attention(rope(q), rope(k), v)) of RMSNorm(x)·attn_norm.
        rmsNorm(a.x, rows: T, width: d, weight: block.attentionNorm, eps: config.rmsNormEps, into: a.normed)
        matmul(a.normed, rows: T, block.query, into: a.q, threads: threads)
        matmul(a.normed, rows: T, block.key, into: a.k, threads: threads)
        matmul(a.normed, rows: T, block.value, into: a.v, threads: threads)
        addBias(block.queryBias, to: a.q, rows: T)
        addBias(block.keyBias, to: a.k, rows: T)
        addBias(block.valueBias, to: a.v, rows: T)
        rotary.apply(a.q, rows: T, heads: heads)
        rotary.apply(a.k, rows: T, heads: kvHeads)
        bidirectionalAttention(q: a.q, queries: T, k: a.k, v: a.v, keys: T, heads: heads,
                               kvHeads: kvHeads, headDim: headDim, into: a.attended, threads: threads)
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
        if let existing = activations, existing.rows == rows { return existing }
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

/// Activation buffers of one forward, sized to the canvas.
private final class Activations {
    let rows: Int
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
        self.rows = rows
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
