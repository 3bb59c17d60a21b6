/// exp on 16 lanes at once (Cephes expf: range reduction by ln 2, degree-6 polynomial, 2^n from
/// exponent bits), within ~2 ulp for |x| < 88; avoids a libm call per element.
@inline(__always)
public func exp16(_ input: SIMD16<Float>) -> SIMD16<Float> {
    let x = laneMax(laneMin(input, SIMD16(repeating: 88.3)), SIMD16(repeating: -87.3))
    // Adding 1.5·2^23 rounds x·log2(e) to an integer held in the low mantissa bits.
    let shifter = SIMD16<Float>(repeating: 12582912)
    let nShifted = x.addingProduct(x, SIMD16(repeating: 0.44269504088896341)) + shifter
    let n = nShifted - shifter
    // r = x − n·ln 2 in two parts (Cody–Waite) so r keeps its low bits.
    var r = x.addingProduct(n, SIMD16(repeating: -0.693359375))
    r = r.addingProduct(n, SIMD16(repeating: 2.12194440e-4))
    var p = SIMD16<Float>(repeating: 1.9875691500e-4)
    p = SIMD16(repeating: 1.3981999507e-3).addingProduct(p, r)
    p = SIMD16(repeating: 8.3334519073e-3).addingProduct(p, r)
    p = SIMD16(repeating: 4.1665795894e-2).addingProduct(p, r)
    p = SIMD16(repeating: 1.6666665459e-1).addingProduct(p, r)
    p = SIMD16(repeating: 5.0000001201e-1).addingProduct(p, r)
    let poly = (r + SIMD16(repeating: 1)).addingProduct(p, r * r)
    // 2^n: the exponent field is n + 127; nShifted's bits are 0x4B400000 + n.
    let bits = unsafeBitCast(nShifted, to: SIMD16<Int32>.self) &+ SIMD16(repeating: 127 - 0x4B40_0000)
    return poly * unsafeBitCast(bits &<< 23, to: SIMD16<Float>.self)
}

/// exp applied in place to `count` values.
public func expInPlace(_ values: UnsafeMutablePointer<Float>, count: Int) {
    let raw = UnsafeMutableRawPointer(values)
    var i = 0
    while i + 16 <= count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        raw.storeBytes(of: exp16(v), toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    if i < count {
        var tail = SIMD16<Float>()
        for j in 0..<(count - i) { tail[j] = values[i + j] }
        let e = exp16(tail)
        for j in 0..<(count - i) { values[i + j] = e[j] }
    }
}
