import Kernels

/// How a checkpoint format names the tensors of the block stack, and in which order it stores
/// the rows of each q/k head. Biases sit next to their weights (`….weight` → `….bias`).
public struct TensorLayout: Sendable {
    public var tokenEmbedding: String
    public var finalNorm: String
    public var outputHead: String
    /// Block n's tensors are named `blockPrefix + "n." + suffix`.
    public var blockPrefix: String
    public var attentionNorm: String
    public var query: String
    public var key: String
    public var value: String
    public var attentionOutput: String
    public var feedForwardNorm: String
    public var gate: String
    public var up: String
    public var down: String
    public var rotaryPairing: RotaryPairing
    /// Per-head q/k norm weights (architectures with `traits.qkNorm`).
    public var queryNorm: String? = nil
    public var keyNorm: String? = nil
    /// The mixture-of-experts router, and expert e's gate/up/down as
    /// `expertPrefix + "e." + gate` (architectures with `experts`).
    public var router: String? = nil
    public var expertPrefix: String? = nil
    /// All experts' gate (up, down) as one [experts, rows, columns] tensor named `gate` (llama.cpp).
    public var stackedExperts = false
    /// q, k and v as one [(n_heads + 2·n_kv_heads)·head_dim × d] tensor, rows in that order
    /// (LLaDA2's `query_key_value`); then `query`, `key` and `value` are unused.
    public var fusedQueryKeyValue: String? = nil
    /// The router's per-expert selection bias (`ExpertRouter.groupedSigmoid`).
    public var expertBias: String? = nil
    /// The shared expert's tensors (`ExpertConfig.sharedHiddenSize`).
    public var sharedExpert: MLPTensorNames? = nil
    /// A dense block's tensors in a mixture-of-experts model, where `gate`/`up`/`down` name the
    /// experts' (`ExpertConfig.leadingDenseLayers`).
    public var denseMLP: MLPTensorNames? = nil

    /// Block n's dense gated MLP.
    public var blockMLP: MLPTensorNames { denseMLP ?? MLPTensorNames(gate: gate, up: up, down: down) }

    public func name(_ suffix: String, block: Int) -> String {
        "\(blockPrefix)\(block).\(suffix)"
    }

    /// Expert `expert`'s tensor `suffix` (gate, up or down) in block `block`.
    public func expertName(_ suffix: String, expert: Int, block: Int) -> String {
        name("\(expertPrefix ?? "")\(expert).\(suffix)", block: block)
    }

    public func biasName(_ weightSuffix: String, block: Int) -> String {
        name(String(weightSuffix.dropLast(".weight".count)) + ".bias", block: block)
    }

    /// Block-relative names of one gated MLP's three tensors.
    public struct MLPTensorNames: Sendable {
        public var gate: String
        public var up: String
        public var down: String

        public init(gate: String, up: String, down: String) {
            self.gate = gate
            self.up = up
            self.down = down
        }
    }

    /// llama.cpp's GGUF names; whether its converter permuted the q/k rows depends on the
    /// architecture (`ModelArchitecture.ggufLayout`).
    public static func gguf(rotaryPairing: RotaryPairing) -> TensorLayout {
        TensorLayout(
            tokenEmbedding: "token_embd.weight", finalNorm: "output_norm.weight",
            outputHead: "output.weight", blockPrefix: "blk.", attentionNorm: "attn_norm.weight",
            query: "attn_q.weight", key: "attn_k.weight", value: "attn_v.weight",
            attentionOutput: "attn_output.weight", feedForwardNorm: "ffn_norm.weight",
            gate: "ffn_gate.weight", up: "ffn_up.weight", down: "ffn_down.weight",
            rotaryPairing: rotaryPairing)
    }
}
