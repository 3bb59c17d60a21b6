import Foundation

extension Double {
    /// Fixed-point text with `digits` decimals, independent of the user's locale.
    func fixed(_ digits: Int) -> String {
        guard isFinite else { return isNaN ? "–" : (self > 0 ? "∞" : "-∞") }
        return String(format: "%.\(digits)f", self)
    }
}
