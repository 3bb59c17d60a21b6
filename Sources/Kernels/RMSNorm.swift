/// out[t] = x[t] · rsqrt(mean(x[t]²) + eps) · weight, row by row, in fp32.
public func rmsNorm(_ x: UnsafePointer<Float>, rows: Int, width: Int, weight: UnsafePointer<Float>,
                    eps: Float, into out: UnsafeMutablePointer<Float>) {
    for t in 0..<rows {
        let row = x + t * width
        let meanSquare = dot(row, row, count: width) / Float(width)
        let scale = 1 / (meanSquare + eps).squareRoot()
        let destination = out + t * width
        for i in 0..<width { destination[i] = row[i] * scale * weight[i] }
    }
}
