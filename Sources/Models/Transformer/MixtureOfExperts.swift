import Foundation
import Kernels

/// Which experts each token goes to, grouped by expert so each expert's weights are read once.
/// Ties go to the lower expert (group) index.
struct ExpertRouting {
    /// Per expert, the token rows routed to it (ascending) and their weights.
    private(set) var rows: [[Int]]
    private(set) var weights: [[Float]]

    /// `logits` (tokens, experts), row-major, computed in fp32; `bias` (experts) for
    /// `.groupedSigmoid` only.
    init(logits: UnsafePointer<Float>, tokens: Int, experts: Int, perToken k: Int,
         router: ExpertRouter, bias: [Float]?) {
        rows = Array(repeating: [], count: experts)
        weights = Array(repeating: [], count: experts)
        for t in 0..<tokens {
            let row = logits + t * experts
            let chosen: [(expert: Int, weight: Float)]
            switch router {
            case .softmax:
                chosen = Self.softmaxTopK(row, experts: experts, k: k)
            case let .groupedSigmoid(groups, groupsKept, scale):
                chosen = Self.groupedSigmoid(row, experts: experts, k: k, bias: bias, groups: groups,
                                             groupsKept: groupsKept, scale: scale)
            }
            for (e, w) in chosen {
                rows[e].append(t)
                weights[e].append(w)
            }
        }
    }

    /// The indices of the `k` largest of `values` among `allowed`, largest first.
    private static func largest(_ k: Int, of values: [Float], allowed: (Int) -> Bool = { _ in true }) -> [Int] {
        var chosen: [Int] = []
        for _ in 0..<k {
            var best = -1
            for i in values.indices where allowed(i) && !chosen.contains(i) && (best < 0 || values[i] > values[best]) { best = i }
            if best >= 0 { chosen.append(best) }
        }
        return chosen
    }

    /// LLaDA-MoE (dInfer tools/modeling_fused_lladamoe.py, LLaDAMoESparseMoeBlock): p = softmax over
    /// all experts, the k largest kept with their p as weights, not renormalised (the block fixes
    /// norm_topk_prob = False whatever the config says).
    private static func softmaxTopK(_ row: UnsafePointer<Float>, experts: Int, k: Int) -> [(expert: Int, weight: Float)] {
        var largestLogit = -Float.infinity
        for e in 0..<experts { largestLogit = max(largestLogit, row[e]) }
        var p = [Float](repeating: 0, count: experts), sum: Float = 0
        for e in 0..<experts {
            p[e] = Foundation.exp(row[e] - largestLogit)
            sum += p[e]
        }
        return largest(k, of: p).map { ($0, p[$0] / sum) }
    }

    /// LLaDA2 (dInfer modeling_llada2_moe.py, LLaDA2MoeGate.routing).
    private static func groupedSigmoid(_ row: UnsafePointer<Float>, experts: Int, k: Int, bias: [Float]?, groups: Int,
                                       groupsKept: Int, scale: Float) -> [(expert: Int, weight: Float)] {
        let scores = (0..<experts).map { 1 / (1 + Foundation.exp(-row[$0])) }
        let biased = bias.map { b in scores.indices.map { scores[$0] + b[$0] } } ?? scores
        let size = experts / groups
        let groupScores = (0..<groups).map { g in
            largest(2, of: Array(biased[g * size..<(g + 1) * size])).reduce(Float(0)) { $0 + biased[g * size + $1] }
        }
        let kept = Set(largest(groupsKept, of: groupScores))
        let chosen = largest(k, of: biased) { kept.contains($0 / size) }
        let sum = chosen.reduce(Float(0)) { $0 + scores[$1] }
        return chosen.map { ($0, (k > 1 ? scores[$0] / (sum + 1e-20) : scores[$0]) * scale) }
    }
}

extension TransformerModel {
    /// out = Σ over each token's experts of weight · down(silu(gate(h)) ⊙ up(h)) (+ the shared
    /// expert's output), computed expert by expert: the tokens routed to an expert are gathered into
    /// one matrix, so each expert's weights are read once per forward (only routed experts' pages
    /// of a mapped checkpoint are touched) and its matmuls run on all threads.
    ///   h (T, d) in, out (T, d); scratch: gathered (T, d), gate/up (T, hidden), expertOut (T, d),
    ///   routerLogits (T, n_experts).
    func mixtureOfExperts(_ h: UnsafeMutablePointer<Float>, rows T: Int, _ mixture: MixtureWeights,
                          scratch a: Activations, into out: UnsafeMutablePointer<Float>) {
        let d = config.dModel, experts = config.experts
        project(h, rows: T, mixture.router, into: a.routerLogits)
        let routing = ExpertRouting(logits: a.routerLogits, tokens: T, experts: mixture.experts.count,
                                    perToken: experts?.perToken ?? 1, router: experts?.router ?? .softmax,
                                    bias: mixture.expertBias)
        out.update(repeating: 0, count: T * d)
        for (e, expert) in mixture.experts.enumerated() where !routing.rows[e].isEmpty {
            let tokens = routing.rows[e], n = tokens.count
            for (i, t) in tokens.enumerated() { (a.attended + i * d).update(from: h + t * d, count: d) }
            gatedMLP(a.attended, rows: n, expert, scratch: a, into: a.projected)
            for (i, t) in tokens.enumerated() {
                let w = routing.weights[e][i], y = a.projected + i * d, o = out + t * d
                for j in 0..<d { o[j] += w * y[j] }
            }
        }
        if let shared = mixture.shared {
            gatedMLP(h, rows: T, shared, scratch: a, into: a.projected)
            add(a.projected, into: out, count: T * d)
        }
    }

    /// out = down(silu(gate(h)) ⊙ up(h)) for `rows` rows; scratch gate/up (rows, hidden).
    func gatedMLP(_ h: UnsafeMutablePointer<Float>, rows: Int, _ mlp: GatedMLPWeights, scratch a: Activations,
                  into out: UnsafeMutablePointer<Float>) {
        project(h, rows: rows, mlp.gate, into: a.gate)
        project(h, rows: rows, mlp.up, into: a.up)
        swiGLU(gate: a.gate, up: a.up, count: rows * mlp.gate.rows)
        project(a.gate, rows: rows, mlp.down, into: out)
    }
}
