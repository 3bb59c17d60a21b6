/// Why a tokenizer folder could not be loaded or used. Every message names the file at fault.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case unreadableFile(file: String, reason: String)
    case malformedJSON(file: String, byteOffset: Int, problem: String)
    case missingField(file: String, field: String)
    case invalidField(file: String, field: String, problem: String)
    /// A component type (model, normalizer, pre-tokenizer, decoder) this reader does not implement.
    case unsupported(file: String, component: String, type: String, supported: [String])
    case unknownMergeToken(file: String, rank: Int, merge: String, token: String)
    case invalidPattern(file: String, pattern: String, problem: String)
    /// A split pattern that backtracks too much on one text to finish in reasonable time.
    case patternTooCostly(file: String, pattern: String, textLength: Int, steps: Int)
    case unknownChatTemplate(file: String)

    /// Values from the files (tokens, merges, patterns, type names) are escaped and cut, and so is
    /// the message as a whole (`terminalSafe`).
    public var description: String { message.terminalSafe(limit: 1_000) }

    private var message: String {
        switch self {
        case .unreadableFile(let file, let reason):
            return "\(file): cannot read the file (\(reason))"
        case .malformedJSON(let file, let offset, let problem):
            return "\(file): malformed JSON at byte \(offset): \(problem)"
        case .missingField(let file, let field):
            return "\(file): missing \"\(field)\""
        case .invalidField(let file, let field, let problem):
            return "\(file): \"\(field)\" \(problem)"
        case .unsupported(let file, let component, let type, let supported):
            let known = supported.joined(separator: ", ")
            return "\(file): unsupported \(component) type \"\(type.terminalSafe())\" (supported: \(known))"
        case .unknownMergeToken(let file, let rank, let merge, let token):
            return "\(file): merge #\(rank) \"\(merge.terminalSafe())\" names \"\(token.terminalSafe())\", which is not in the vocabulary"
        case .invalidPattern(let file, let pattern, let problem):
            return "\(file): cannot use split pattern \"\(pattern.terminalSafe())\": \(problem)"
        case .patternTooCostly(let file, let pattern, let textLength, let steps):
            return "\(file): split pattern \"\(pattern.terminalSafe())\" needs more than \(steps) steps on a "
                + "\(textLength)-character text; simplify the pattern (nested or overlapping repeats) or shorten the text"
        case .unknownChatTemplate(let file):
            return "\(file): chat_template is not a known family (known: LLaDA / LLaMA-3 header turns); "
                + "run without --chat to use the plain prompt"
        }
    }
}
