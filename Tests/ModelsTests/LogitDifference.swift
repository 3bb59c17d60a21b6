/// The largest |a[i] − b[i]| between two logit rows or tensors; NaN as soon as one difference is
/// NaN, so a tolerance check fails on it. (`Sequence.max()` keeps its running value when compared
/// with NaN: a NaN logit after the first would pass.) Infinite when the counts differ.
func maxAbsDifference<A: Collection, B: Collection>(_ a: A, _ b: B) -> Float
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
