/// The largest |a[i] − b[i]| between two tensors (kernel outputs, logit rows); NaN as soon as one
/// difference is NaN, so a tolerance check fails on it. (`Sequence.max()` keeps its running value
/// when compared with NaN: a NaN after the first element, such as a cell a kernel never wrote or a
/// NaN logit, would pass.) Infinite when the counts differ.
public func maxAbsDifference<A: Collection, B: Collection>(_ a: A, _ b: B) -> Float
where A.Element == Float, B.Element == Float {
    guard a.count == b.count else { return .infinity }
    var largest: Float = 0
    for (x, y) in zip(a, b) {
        let difference = abs(x - y)
        if difference.isNaN { return .nan }
        if difference > largest { largest = difference }
    }
    return largest
}
