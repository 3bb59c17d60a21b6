/// The register tiles of the packed matmul (the BLIS layout): converted weights are broadcast,
/// packed inputs are loaded as vectors. Every `MatmulTile.slice` steps a tile converts one slice
/// of its job, weights of the next pass (see PassConversion); the rest of the job after the steps.

/// sums[i · stride + lane] += Σ_k w_i[k] · panel[k][lane] for 24 lanes and 4 weight rows i of
/// `columns` values each, stored back to back.
@inline(__always)
func tile4x24(_ xPanel: UnsafePointer<Float>, _ w: UnsafePointer<Float>, columns ld: Int,
              into sums: UnsafeMutablePointer<Float>, stride: Int, converting job: ConversionJob) {
    let w0 = w, w1 = w + ld, w2 = w + 2 * ld, w3 = w + 3 * ld
    var c00 = SIMD8<Float>(), c01 = SIMD8<Float>(), c02 = SIMD8<Float>()
    var c10 = SIMD8<Float>(), c11 = SIMD8<Float>(), c12 = SIMD8<Float>()
    var c20 = SIMD8<Float>(), c21 = SIMD8<Float>(), c22 = SIMD8<Float>()
    var c30 = SIMD8<Float>(), c31 = SIMD8<Float>(), c32 = SIMD8<Float>()
    let xs = UnsafeRawPointer(xPanel)
    @inline(__always) func step(_ k: Int) {
        let a0 = xs.loadUnaligned(fromByteOffset: k &* 96, as: SIMD8<Float>.self)
        let a1 = xs.loadUnaligned(fromByteOffset: k &* 96 &+ 32, as: SIMD8<Float>.self)
        let a2 = xs.loadUnaligned(fromByteOffset: k &* 96 &+ 64, as: SIMD8<Float>.self)
        let b0 = SIMD8(repeating: w0[k]), b1 = SIMD8(repeating: w1[k])
        let b2 = SIMD8(repeating: w2[k]), b3 = SIMD8(repeating: w3[k])
        c00.addProduct(a0, b0); c01.addProduct(a1, b0); c02.addProduct(a2, b0)
        c10.addProduct(a0, b1); c11.addProduct(a1, b1); c12.addProduct(a2, b1)
        c20.addProduct(a0, b2); c21.addProduct(a1, b2); c22.addProduct(a2, b2)
        c30.addProduct(a0, b3); c31.addProduct(a1, b3); c32.addProduct(a2, b3)
    }
    run(ld, converting: job, step)
    addLanes(c00, c01, c02, into: sums)
    addLanes(c10, c11, c12, into: sums + stride)
    addLanes(c20, c21, c22, into: sums + 2 * stride)
    addLanes(c30, c31, c32, into: sums + 3 * stride)
}

/// sums[i · stride + lane] += Σ_k w_i[k] · panel[k][lane] for 16 lanes and 6 weight rows i of
/// `columns` values each, stored back to back.
@inline(__always)
func tile6x16(_ xPanel: UnsafePointer<Float>, _ w: UnsafePointer<Float>, columns ld: Int,
              into sums: UnsafeMutablePointer<Float>, stride: Int, converting job: ConversionJob) {
    let w0 = w, w1 = w + ld, w2 = w + 2 * ld, w3 = w + 3 * ld, w4 = w + 4 * ld, w5 = w + 5 * ld
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
    let xs = UnsafeRawPointer(xPanel)
    @inline(__always) func step(_ k: Int) {
        let a = xs.loadUnaligned(fromByteOffset: k &* 64, as: SIMD16<Float>.self)
        c0.addProduct(a, SIMD16(repeating: w0[k]))
        c1.addProduct(a, SIMD16(repeating: w1[k]))
        c2.addProduct(a, SIMD16(repeating: w2[k]))
        c3.addProduct(a, SIMD16(repeating: w3[k]))
        c4.addProduct(a, SIMD16(repeating: w4[k]))
        c5.addProduct(a, SIMD16(repeating: w5[k]))
    }
    run(ld, converting: job, step)
    addLanes(c0, into: sums)
    addLanes(c1, into: sums + stride)
    addLanes(c2, into: sums + 2 * stride)
    addLanes(c3, into: sums + 3 * stride)
    addLanes(c4, into: sums + 4 * stride)
    addLanes(c5, into: sums + 5 * stride)
}

/// Runs `step` for k in 0..<depth, converting one slice of `job` every `MatmulTile.slice` steps
/// and whatever is left of it afterwards.
@inline(__always)
private func run(_ depth: Int, converting job: ConversionJob, _ step: (Int) -> Void) {
    let slices = job.wholeSlices
    var k = 0, slice = 0
    while k &+ MatmulTile.slice <= depth {
        if slice < slices { job.convertSlice(slice) }
        slice &+= 1
        for kk in k..<(k &+ MatmulTile.slice) { step(kk) }
        k &+= MatmulTile.slice
    }
    for kk in k..<depth { step(kk) }
    job.convert(slicesFrom: min(slice, slices))
}

@inline(__always)
private func addLanes(_ lanes: SIMD16<Float>, into destination: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(destination)
    raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + lanes, as: SIMD16<Float>.self)
}

@inline(__always)
private func addLanes(_ a: SIMD8<Float>, _ b: SIMD8<Float>, _ c: SIMD8<Float>,
                      into destination: UnsafeMutablePointer<Float>) {
    let raw = UnsafeMutableRawPointer(destination)
    raw.storeBytes(of: raw.loadUnaligned(as: SIMD8<Float>.self) + a, as: SIMD8<Float>.self)
    raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 32, as: SIMD8<Float>.self) + b, toByteOffset: 32, as: SIMD8<Float>.self)
    raw.storeBytes(of: raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Float>.self) + c, toByteOffset: 64, as: SIMD8<Float>.self)
}
