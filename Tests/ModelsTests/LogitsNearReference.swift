import XCTest

/// The largest |Δ| between `logits` and `reference` when every logit lies within `share` of the
/// reference's largest |logit| (written so that NaN fails); nil, with a failure naming the first
/// logit out of bounds, otherwise.
func maxDeltaWithinShareOfLargest(_ logits: [Float], _ reference: [Float], share: Float, _ label: String,
                                  file: StaticString = #filePath, line: UInt = #line) -> (maxDelta: Float, scale: Float)? {
    let scale = reference.reduce(0) { max($0, abs($1)) }
    var maxDelta: Float = 0
    for (a, b) in zip(logits, reference) {
        guard abs(a - b) <= share * scale else {
            XCTFail("\(label) logit \(a) against \(b)", file: file, line: line)
            return nil
        }
        maxDelta = max(maxDelta, abs(a - b))
    }
    return (maxDelta, scale)
}
