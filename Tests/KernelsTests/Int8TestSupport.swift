@testable import Kernels

/// `matmulInt8` of `rows` rows of `x` with `w` on one instruction set, as an array.
func int8Product(_ x: [Float], rows: Int, _ w: WeightMatrix, _ instructionSet: Int8InstructionSet) -> [Float] {
    var out = [Float](repeating: .nan, count: rows * w.rows)
    x.withUnsafeBufferPointer { xs in
        out.withUnsafeMutableBufferPointer { o in
            matmulInt8(xs.baseAddress!, rows: rows, w, into: o.baseAddress!, threads: 2, instructionSet: instructionSet)
        }
    }
    return out
}

/// The int8 path's activation block as a scalar model: d_x = max|x| / 127 and each value's code
/// round(x / d_x); a NaN or ∞ in the block makes d_x NaN.
func int8ActivationBlock(_ values: [Float]) -> (dx: Float, codes: [Int]) {
    guard values.allSatisfy(\.isFinite) else { return (.nan, [Int](repeating: 0, count: values.count)) }
    let d = values.map(abs).reduce(0, Swift.max) / 127
    let inverse: Float = d == 0 ? 0 : 1 / d
    return (d, values.map { Int(($0 * inverse).rounded()) })
}
