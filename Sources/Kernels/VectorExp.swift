/// exp on 16 lanes at once (Cephes expf: range reduction by ln 2, degree-6 polynomial, 2^n from
/// exponent bits), within ~2 ulp for |x| < 88; avoids a libm call per element.
@inline(__always)
public func exp16(_ input: SIMD16<Float>) -> SIMD16<Float> {
    let x = input.clamped(lowerBound: SIMD16(repeating: -87.3), upperBound: SIMD16(repeating: 88.3))
    // Adding 1.5·2^23 rounds to an integer held in the low mantissa bits.
    let shifter = SIMD16<Float>(repeating: 12582912)
    let nShifted = (x * SIMD16(repeating: 1.44269504088896341)) + shifter
    let n = nShifted - shifter
    var r = x - n * SIMD16(repeating: 0.693359375)
    r = r - n * SIMD16(repeating: -2.12194440e-4)
    var p = SIMD16<Float>(repeating: 1.9875691500e-4)
    p = p * r + SIMD16(repeating: 1.3981999507e-3)
    p = p * r + SIMD16(repeating: 8.3334519073e-3)
    p = p * r + SIMD16(repeating: 4.1665795894e-2)
    p = p * r + SIMD16(repeating: 1.6666665459e-1)
    p = p * r + SIMD16(repeating: 5.0000001201e-1)
    let poly = p * (r * r) + r + SIMD16(repeating: 1)
    let nBits = unsafeBitCast(nShifted, to: SIMD16<UInt32>.self)
        &- unsafeBitCast(shifter, to: SIMD16<UInt32>.self)
    let scale = unsafeBitCast((nBits &+ SIMD16(repeating: 127)) &<< SIMD16(repeating: 23),
                              to: SIMD16<Float>.self)
    return poly * scale
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
