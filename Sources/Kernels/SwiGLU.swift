import Foundation

/// gate[i] = silu(gate[i]) · up[i], silu(x) = x / (1 + e^(−x)); the LLaMA-style gated MLP middle.
public func swiGLU(gate: UnsafeMutablePointer<Float>, up: UnsafePointer<Float>, count: Int) {
    let rawGate = UnsafeMutableRawPointer(gate), rawUp = UnsafeRawPointer(up)
    let one = SIMD16<Float>(repeating: 1)
    var i = 0
    while i + 16 <= count {
        let g = rawGate.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let u = rawUp.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        let silu = g / (one + exp16(-g))
        rawGate.storeBytes(of: silu * u, toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count {
        let g = gate[i]
        gate[i] = g / (1 + exp(-g)) * up[i]
        i += 1
    }
}
