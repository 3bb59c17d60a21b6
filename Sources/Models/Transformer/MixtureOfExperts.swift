import Foundation
import Kernels

/// Which experts each token goes to, grouped by expert: LLaDA-MoE's router (dInfer
/// tools/modeling_fused_lladamoe.py, LLaDAMoESparseMoeBlock): p = softmax(router(h)) in fp32 over
/// all experts, the k largest kept with their p as weights, not renormalised (the block fixes
/// norm_topk_prob = False whatever the config says). Ties go to the lower expert index.
struct ExpertRouting {
    /// Per expert, the token rows routed to it (ascending) and their weights.
    private(set) var rows: [[Int]]
    private(set) var weights: [[Float]]

    /// `logits` (tokens, experts), row-major.
    init(logits: UnsafePointer<Float>, tokens: Int, experts: Int, perToken k: Int) {
        rows = Array(repeating: [], count: experts)
        weights = Array(repeating: [], count: experts)
        var p = [Float](repeating: 0, count: experts)
        for t in 0..<tokens {
            let row = logits + t * experts
            var largest = -Float.infinity
            for e in 0..<experts { largest = max(largest, row[e]) }
            var sum: Float = 0
            for e in 0..<experts {
                p[e] = Foundation.exp(row[e] - largest)
                sum += p[e]
            }
            var chosen = Set<Int>()
            for _ in 0..<k {
                var best = -1
                for e in 0..<experts where !chosen.contains(e) && (best < 0 || p[e] > p[best]) { best = e }
                chosen.insert(best)
                rows[best].append(t)
                weights[best].append(p[best] / sum)
            }
        }
    }
}

extension TransformerModel {
    /// out = Σ over each token's experts of weight · down(silu(gate(h)) ⊙ up(h)), computed expert by
    /// expert: the tokens routed to an expert are gathered into one matrix, so each expert's
    /// weights are read once per forward and its matmuls run on all threads.
    ///   h (T, d) in, out (T, d); scratch: gathered (T, d), gate/up (T, hidden), expertOut (T, d),
    ///   routerLogits (T, n_experts).
    func mixtureOfExperts(_ h: UnsafeMutablePointer<Float>, rows T: Int, router: WeightMatrix, experts: [GatedMLPWeights],
                          perToken: Int, scratch a: Activations, into out: UnsafeMutablePointer<Float>) {
        let d = config.dModel, hidden = config.mlpHiddenSize
        matmul(h, rows: T, router, into: a.routerLogits, threads: threads)
        let routing = ExpertRouting(logits: a.routerLogits, tokens: T, experts: experts.count, perToken: perToken)
        out.update(repeating: 0, count: T * d)
        for (e, expert) in experts.enumerated() where !routing.rows[e].isEmpty {
            let tokens = routing.rows[e], n = tokens.count
            for (i, t) in tokens.enumerated() { (a.attended + i * d).update(from: h + t * d, count: d) }
            matmul(a.attended, rows: n, expert.gate, into: a.gate, threads: threads)
            matmul(a.attended, rows: n, expert.up, into: a.up, threads: threads)
            swiGLU(gate: a.gate, up: a.up, count: n * hidden)
            matmul(a.gate, rows: n, expert.down, into: a.projected, threads: threads)
            for (i, t) in tokens.enumerated() {
                let w = routing.weights[e][i], y = a.projected + i * d, o = out + t * d
                for j in 0..<d { o[j] += w * y[j] }
            }
        }
    }
}
