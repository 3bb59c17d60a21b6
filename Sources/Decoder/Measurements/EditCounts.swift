/// How often steps replaced decoded tokens (LLaDA2.1's editing), over transcripts: by the token
/// that was replaced, by the token that replaced it, and by the step that did it.
public struct EditCounts: Equatable, Sendable {
    public private(set) var total = 0
    public private(set) var byOldToken: [Int: Int] = [:]
    public private(set) var byNewToken: [Int: Int] = [:]
    /// Keyed by the step number within its decode (1-based).
    public private(set) var byStep: [Int: Int] = [:]

    public init(transcripts: [Transcript]) {
        for record in transcripts.flatMap(\.steps) {
            for edit in record.edits {
                total += 1
                byOldToken[edit.old, default: 0] += 1
                byNewToken[edit.new, default: 0] += 1
                byStep[record.step, default: 0] += 1
            }
        }
    }

    /// Lines for `dscope analyze`: nothing when no step edited; `piece` names a token.
    public func text(top: Int, piece: (Int) -> String) -> String {
        guard total > 0 else { return "" }
        func list(_ counts: [Int: Int], _ name: (Int) -> String) -> String {
            counts.sorted { ($0.value, -$0.key) > ($1.value, -$1.key) }.prefix(top)
                .map { "\(name($0.key)) \($0.value)" }.joined(separator: ", ")
        }
        return "edits: \(total) decoded tokens replaced\n"
            + "  by step:      " + list(byStep) { "step \($0):" } + "\n"
            + "  replaced:     " + list(byOldToken) { "\(piece($0)):" } + "\n"
            + "  replaced by:  " + list(byNewToken) { "\(piece($0)):" } + "\n"
    }
}
