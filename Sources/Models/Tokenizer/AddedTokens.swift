/// A token from tokenizer.json's `added_tokens`: matched in the text before BPE sees it.
struct AddedToken: Sendable {
    let id: Int
    let content: String
    let isSpecial: Bool
    /// Only matches when no word character touches it on either side.
    let isSingleWord: Bool
    /// Swallows the whitespace before it.
    let stripsLeft: Bool
    /// Swallows the whitespace after it.
    let stripsRight: Bool
    /// Matched in normalized text (and normalized itself) rather than in the raw text.
    let isNormalized: Bool

    static func list(from json: JSONValue?, file: String) throws -> [AddedToken] {
        guard let json, !json.isNull else { return [] }
        guard let entries = json.array else {
            throw TokenizerError.invalidField(file: file, field: "added_tokens", problem: "must be an array")
        }
        return try entries.enumerated().map { number, entry in
            let field = "added_tokens[\(number)]"
            guard let id = entry["id"]?.integer, (0..<BPEModel.idLimit).contains(id) else {
                throw TokenizerError.invalidField(file: file, field: "\(field).id",
                                                  problem: "must be an integer id from 0 to \(BPEModel.idLimit - 1)")
            }
            guard let content = entry["content"]?.string, !content.isEmpty else {
                throw TokenizerError.invalidField(file: file, field: "\(field).content", problem: "must be a non-empty string")
            }
            let isSpecial = entry["special"]?.bool ?? false
            return AddedToken(id: id, content: content, isSpecial: isSpecial,
                              isSingleWord: entry["single_word"]?.bool ?? false,
                              stripsLeft: entry["lstrip"]?.bool ?? false,
                              stripsRight: entry["rstrip"]?.bool ?? false,
                              isNormalized: entry["normalized"]?.bool ?? !isSpecial)
        }
    }
}

/// Finds added tokens in text: the leftmost match first and, of those starting there, the longest
/// (Aho–Corasick leftmost-longest, as `tokenizers` matches them).
struct AddedTokenMatcher: Sendable {
    enum Segment: Equatable {
        case text(Range<Int>)
        case token(id: Int)
    }

    private let tokens: [AddedToken]
    /// A trie over scalar values: children of each node, and the token a node completes.
    private var children: [[UInt32: Int]] = [[:]]
    private var completes: [Int?] = [nil]

    /// A matcher for text that `normalizer` has normalized; the tokens are normalized likewise.
    init(tokens: [AddedToken], normalizer: Normalizer) {
        self.tokens = tokens
        for (index, token) in tokens.enumerated() {
            var node = 0
            for scalar in normalizer.normalize(Array(token.content.unicodeScalars)) {
                if let child = children[node][scalar.value] {
                    node = child
                } else {
                    children.append([:])
                    completes.append(nil)
                    children[node][scalar.value] = children.count - 1
                    node = children.count - 1
                }
            }
            if completes[node] == nil { completes[node] = index }
        }
    }

    func segments(of text: [Unicode.Scalar]) -> [Segment] {
        guard !tokens.isEmpty else { return text.isEmpty ? [] : [.text(0..<text.count)] }
        var segments: [Segment] = []
        var cursor = 0
        var position = 0
        while position < text.count {
            guard let (index, end) = longestMatch(at: position, in: text) else {
                position += 1
                continue
            }
            let token = tokens[index]
            var start = position
            var stop = end
            position = end
            if token.isSingleWord,
               (start > 0 && text[start - 1].isWordCharacter) || (stop < text.count && text[stop].isWordCharacter) {
                continue
            }
            if token.stripsLeft {
                while start > cursor, text[start - 1].properties.isWhitespace { start -= 1 }
            }
            if token.stripsRight {
                while stop < text.count, text[stop].properties.isWhitespace { stop += 1 }
                position = stop
            }
            if cursor < start { segments.append(.text(cursor..<start)) }
            segments.append(.token(id: token.id))
            cursor = stop
        }
        if cursor < text.count { segments.append(.text(cursor..<text.count)) }
        return segments
    }

    private func longestMatch(at start: Int, in text: [Unicode.Scalar]) -> (token: Int, end: Int)? {
        var node = 0
        var best: (token: Int, end: Int)?
        var position = start
        while position < text.count, let child = children[node][text[position].value] {
            node = child
            position += 1
            if let token = completes[node] { best = (token, position) }
        }
        return best
    }
}

private extension Unicode.Scalar {
    /// `\w` of the Rust regex crate, which `tokenizers` uses for `single_word`.
    var isWordCharacter: Bool {
        if properties.isAlphabetic || value == 0x200C || value == 0x200D { return true }
        let category = GeneralCategories.of(value)
        return category.isSubset(of: [.mark, .decimalNumber, .connectorPunctuation])
    }
}
