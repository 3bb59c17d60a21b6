import ArgumentParser
import Kernels
import Models

/// `--weights` for a checkpoint on disk: only the types `QuantizedWeights` makes.
enum QuantizeOnLoad {
    static func check(_ dtype: WeightDType?) throws {
        guard let dtype, !QuantizedWeights.types.contains(dtype) else { return }
        throw ValidationError("--weights \(dtype.rawValue): a checkpoint is quantised on load to "
            + QuantizedWeights.types.map(\.rawValue).joined(separator: " or ")
            + " (k-quants need llama.cpp's llama-quantize)")
    }
}
