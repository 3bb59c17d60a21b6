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
    public static func firstNonFinite(_ weights: LLaDAWeights, config: LLaDAConfig, layout: TensorLayout,
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

    private static func named(_ weights: LLaDAWeights, config: LLaDAConfig, layout: TensorLayout) -> [(String, Tensor)] {
        var tensors: [(String, Tensor)] = [(layout.tokenEmbedding, .matrix(weights.tokenEmbedding))]
        for (n, block) in weights.blocks.enumerated() {
            tensors += [
                (layout.name(layout.attentionNorm, block: n), .vector(block.attentionNorm)),
                (layout.name(layout.query, block: n), .matrix(block.query)),
                (layout.name(layout.key, block: n), .matrix(block.key)),
                (layout.name(layout.value, block: n), .matrix(block.value)),
            ]
            for (suffix, bias) in [(layout.query, block.queryBias), (layout.key, block.keyBias), (layout.value, block.valueBias)] {
                if let bias { tensors.append((layout.biasName(suffix, block: n), .vector(bias))) }
            }
            tensors += [
                (layout.name(layout.attentionOutput, block: n), .matrix(block.attentionOutput)),
                (layout.name(layout.feedForwardNorm, block: n), .vector(block.feedForwardNorm)),
                (layout.name(layout.gate, block: n), .matrix(block.gate)),
                (layout.name(layout.up, block: n), .matrix(block.up)),
                (layout.name(layout.down, block: n), .matrix(block.down)),
            ]
        }
        tensors.append((layout.finalNorm, .vector(weights.finalNorm)))
        if !config.weightTying { tensors.append((layout.outputHead, .matrix(weights.outputHead))) }
        return tensors
    }
}
