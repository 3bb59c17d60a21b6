/// Small vector primitives shared by the attention, norm and MLP kernels.

@inline(__always)
public func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
    var acc0 = SIMD16<Float>(), acc1 = SIMD16<Float>()
    let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
    var i = 0
    while i + 32 <= count {
        acc0.addProduct(ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self),
                        rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
        acc1.addProduct(ra.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self),
                        rb.loadUnaligned(fromByteOffset: i * 4 + 64, as: SIMD16<Float>.self))
        i += 32
    }
    if i + 16 <= count {
        acc0.addProduct(ra.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self),
                        rb.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
        i += 16
    }
    var sum = (acc0 + acc1).sum()
    while i < count {
        sum += a[i] * b[i]
        i += 1
    }
    return sum
}

/// y += alpha · x
@inline(__always)
public func addScaled(_ x: UnsafePointer<Float>, _ alpha: Float, into y: UnsafeMutablePointer<Float>,
                      count: Int) {
    let rx = UnsafeRawPointer(x), ry = UnsafeMutableRawPointer(y)
    let scale = SIMD16<Float>(repeating: alpha)
    var i = 0
    while i + 16 <= count {
        var acc = ry.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        acc.addProduct(rx.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self), scale)
        ry.storeBytes(of: acc, toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    while i < count {
        y[i] += alpha * x[i]
        i += 1
    }
}

/// y += x
@inline(__always)
public func add(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}
