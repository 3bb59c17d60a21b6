import Kernels

/// `dscope inspect --check-weights`: every tensor of a loaded model scanned for NaN and ±∞,
/// which would make every forward's logits non-finite.
public enum WeightCheck {
    public struct Finding: Equatable, Sendable, CustomStringConvertible {
        public let tensor: String
        /// Row and column in PyTorch order ([out × in]); a vector has row 0.
        public let row: Int
        public let column: Int

        public var description: String { "tensor \(tensor) holds a NaN or infinite value at [\(row), \(column)]" }
    }

    /// The first non-finite value in checkpoint order; `progress` hears (tensors done, total, name).
    public static func firstNonFinite(_ weights: TransformerWeights, config: TransformerConfig, layout: TensorLayout,
                                      progress: (Int, Int, String) -> Void = { _, _, _ in }) -> Finding? {
        let tensors = named(weights, config: config, layout: layout)
        for (index, (name, tensor)) in tensors.enumerated() {
            progress(index, tensors.count, name)
            switch tensor {
            case .matrix(let matrix):
                if let (row, column) = matrix.firstNonFinite() { return Finding(tensor: name, row: row, column: column) }
            case .vector(let values):
                if let column = values.firstIndex(where: { !$0.isFinite }) { return Finding(tensor: name, row: 0, column: column) }
            }
        }
        progress(tensors.count, tensors.count, "")
        return nil
    }

    private enum Tensor {
        case matrix(WeightMatrix)
        case vector([Float])
    }

    private static func named(_ weights: TransformerWeights, config: TransformerConfig, layout: TensorLayout) -> [(String, Tensor)] {
        var tensors: [(String, Tensor)] = [(layout.tokenEmbedding, .matrix(weights.tokenEmbedding))]
        for (n, block) in weights.blocks.enumerated() {
            tensors.append((layout.name(layout.attentionNorm, block: n), .vector(block.attentionNorm)))
            if let fused = layout.fusedQueryKeyValue {
                // The three are consecutive rows of the one stored tensor.
                let rows = block.query.rows + block.key.rows + block.value.rows
                tensors.append((layout.name(fused, block: n), .matrix(WeightMatrix(
                    base: block.query.base, rows: rows, columns: block.query.columns, dtype: block.query.dtype))))
            } else {
                tensors += [
                    (layout.name(layout.query, block: n), .matrix(block.query)),
                    (layout.name(layout.key, block: n), .matrix(block.key)),
                    (layout.name(layout.value, block: n), .matrix(block.value)),
                ]
            }
            for (suffix, bias) in [(layout.query, block.queryBias), (layout.key, block.keyBias), (layout.value, block.valueBias)] {
                if let bias { tensors.append((layout.biasName(suffix, block: n), .vector(bias))) }
            }
            for (suffix, norm) in [(layout.queryNorm, block.queryNorm), (layout.keyNorm, block.keyNorm)] {
                if let suffix, let norm { tensors.append((layout.name(suffix, block: n), .vector(norm))) }
            }
            tensors += [
                (layout.name(layout.attentionOutput, block: n), .matrix(block.attentionOutput)),
                (layout.name(layout.feedForwardNorm, block: n), .vector(block.feedForwardNorm)),
            ]
            func mlp(_ weights: GatedMLPWeights, _ names: TensorLayout.MLPTensorNames, _ name: (String) -> String) {
                tensors += [(name(names.gate), .matrix(weights.gate)), (name(names.up), .matrix(weights.up)),
                            (name(names.down), .matrix(weights.down))]
            }
            let expertNames = TensorLayout.MLPTensorNames(gate: layout.gate, up: layout.up, down: layout.down)
            switch block.feedForward {
            case .dense(let weights):
                mlp(weights, layout.blockMLP) { layout.name($0, block: n) }
            case .experts(let mixture):
                tensors.append((layout.name(layout.router ?? "", block: n), .matrix(mixture.router)))
                if let name = layout.expertBias, let bias = mixture.expertBias { tensors.append((layout.name(name, block: n), .vector(bias))) }
                for (e, expert) in mixture.experts.enumerated() {
                    mlp(expert, expertNames) { layout.stackedExperts ? "\(layout.name($0, block: n))[\(e)]" : layout.expertName($0, expert: e, block: n) }
                }
                if let shared = mixture.shared { mlp(shared, layout.sharedExpert ?? layout.blockMLP) { layout.name($0, block: n) } }
            }
        }
        tensors.append((layout.finalNorm, .vector(weights.finalNorm)))
        if !config.weightTying { tensors.append((layout.outputHead, .matrix(weights.outputHead))) }
        return tensors
    }
}
