/// Cuts normalized text into the words that BPE encodes one by one, as tokenizer.json's
/// `pre_tokenizer` describes: a ByteLevel step, Split and Digits steps, or a Sequence of them.
struct PreTokenizer: Sendable {
    enum Step {
        case split(PatternMatcher, behavior: SplitBehavior, invert: Bool)
        case digits(individually: Bool)
        /// Rewrites text into the byte-level alphabet, after an optional prefix space and GPT-2 split.
        case byteLevel(addsPrefixSpace: Bool, gpt2Split: PatternMatcher?)
    }

    let steps: [Step]
    /// The tokenizer file, for the message when a pattern runs past its step budget.
    let file: String

    static let supportedTypes = ["ByteLevel", "Split", "Digits", "Sequence"]

    init(json: JSONValue?, file: String) throws {
        var steps: [Step] = []
        try Self.appendSteps(of: json ?? .null, field: "pre_tokenizer", file: file, to: &steps)
        let byteLevelSteps = steps.filter {
            if case .byteLevel = $0 { return true }
            return false
        }.count
        guard byteLevelSteps == 1 else {
            throw TokenizerError.invalidField(
                file: file, field: "pre_tokenizer",
                problem: byteLevelSteps == 0
                    ? "has no ByteLevel step; only byte-level BPE vocabularies are supported"
                    : "has more than one ByteLevel step")
        }
        self.steps = steps
        self.file = file
    }

    private static func appendSteps(of json: JSONValue, field: String, file: String, to steps: inout [Step]) throws {
        if json.isNull { return }
        guard let type = json["type"]?.string else {
            throw TokenizerError.missingField(file: file, field: "\(field).type")
        }
        switch type {
        case "Sequence":
            guard let members = json["pretokenizers"]?.array else {
                throw TokenizerError.missingField(file: file, field: "\(field).pretokenizers")
            }
            for (number, member) in members.enumerated() {
                try appendSteps(of: member, field: "\(field).pretokenizers[\(number)]", file: file, to: &steps)
            }
        case "ByteLevel":
            let usesRegex = json["use_regex"]?.bool ?? true
            steps.append(.byteLevel(addsPrefixSpace: json["add_prefix_space"]?.bool ?? true,
                                    gpt2Split: usesRegex ? try PatternMatcher(pattern: ByteLevel.gpt2Pattern) : nil))
        case "Digits":
            steps.append(.digits(individually: json["individual_digits"]?.bool ?? false))
        case "Split":
            steps.append(try split(json, field: field, file: file))
        default:
            throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", type: type,
                                             supported: supportedTypes)
        }
    }

    private static func split(_ json: JSONValue, field: String, file: String) throws -> Step {
        guard let behaviorName = json["behavior"]?.string else {
            throw TokenizerError.missingField(file: file, field: "\(field).behavior")
        }
        guard let behavior = SplitBehavior(rawValue: behaviorName) else {
            throw TokenizerError.unsupported(file: file, component: "\(field).behavior", type: behaviorName,
                                             supported: SplitBehavior.allCases.map(\.rawValue))
        }
        let pattern = json["pattern"]
        let matcher: PatternMatcher
        do {
            if let regex = pattern?["Regex"]?.string {
                matcher = try PatternMatcher(pattern: regex)
            } else if let literal = pattern?["String"]?.string {
                matcher = try PatternMatcher(literal: literal)
            } else {
                throw TokenizerError.missingField(file: file, field: "\(field).pattern.Regex")
            }
        } catch let error as PatternSyntaxError {
            let text = pattern?["Regex"]?.string ?? pattern?["String"]?.string ?? ""
            throw TokenizerError.invalidPattern(file: file, pattern: text, problem: error.problem)
        }
        return .split(matcher, behavior: behavior, invert: json["invert"]?.bool ?? false)
    }

    /// The words of a text, as the bytes they stand for.
    func words(_ text: [Unicode.Scalar]) throws -> [[UInt8]] {
        var pieces = text.isEmpty ? [] : [text]
        for step in steps {
            do {
                pieces = try pieces.flatMap { try step.apply(to: $0) }
            } catch let exceeded as PatternBudgetExceeded {
                throw TokenizerError.patternTooCostly(file: file, pattern: step.pattern ?? "",
                                                      textLength: text.count, steps: exceeded.steps)
            }
        }
        // After the one ByteLevel step every piece is spelt in the byte-level alphabet.
        return pieces.map { $0.compactMap(ByteLevel.byte(of:)) }
    }
}

extension PreTokenizer.Step {
    func apply(to piece: [Unicode.Scalar]) throws -> [[Unicode.Scalar]] {
        switch self {
        case .split(let matcher, let behavior, let invert):
            return piece.split(matches: try matcher.matches(in: piece), invert: invert, behavior)
        case .digits(let individually):
            let digits = piece.indices.filter {
                GeneralCategories.number.contains(GeneralCategories.of(piece[$0].value))
            }.map { $0..<$0 + 1 }
            return piece.split(matches: digits, invert: false, individually ? .isolated : .contiguous)
        case .byteLevel(let addsPrefixSpace, let gpt2Split):
            var text = piece
            if addsPrefixSpace, text.first != " " { text.insert(" ", at: 0) }
            let words = try gpt2Split.map { text.split(matches: try $0.matches(in: text), invert: false, .isolated) } ?? [text]
            return words.map(ByteLevel.characters(spelling:))
        }
    }

    /// The split pattern the step runs, if any.
    var pattern: String? {
        switch self {
        case .split(let matcher, _, _): return matcher.source
        case .byteLevel(_, let gpt2Split): return gpt2Split?.source
        case .digits: return nil
        }
    }
}

/// What Split does with the pieces its pattern matches, named as in tokenizer.json.
enum SplitBehavior: String, CaseIterable, Sendable {
    case removed = "Removed"
    case isolated = "Isolated"
    case mergedWithPrevious = "MergedWithPrevious"
    case mergedWithNext = "MergedWithNext"
    case contiguous = "Contiguous"
}

private extension Array where Element == Unicode.Scalar {
    /// Cuts at the matches and regroups matched and unmatched runs as `behavior` says; empty pieces
    /// are dropped, as `tokenizers` drops them.
    func split(matches: [Range<Int>], invert: Bool, _ behavior: SplitBehavior) -> [[Unicode.Scalar]] {
        var runs: [(range: Range<Int>, isMatch: Bool)] = []
        var cursor = 0
        for match in matches {
            if cursor < match.lowerBound { runs.append((cursor..<match.lowerBound, invert)) }
            runs.append((match, !invert))
            cursor = match.upperBound
        }
        if cursor < count { runs.append((cursor..<count, invert)) }

        var kept: [Range<Int>] = []
        var previousWasMatch = false
        switch behavior {
        case .removed:
            kept = runs.filter { !$0.isMatch }.map(\.range)
        case .isolated:
            kept = runs.map(\.range)
        case .contiguous:
            for (index, run) in runs.enumerated() {
                if index > 0, run.isMatch == previousWasMatch {
                    kept[kept.count - 1] = kept[kept.count - 1].lowerBound..<run.range.upperBound
                } else {
                    kept.append(run.range)
                }
                previousWasMatch = run.isMatch
            }
        case .mergedWithPrevious:
            for run in runs {
                if run.isMatch, !previousWasMatch, let last = kept.last {
                    kept[kept.count - 1] = last.lowerBound..<run.range.upperBound
                } else {
                    kept.append(run.range)
                }
                previousWasMatch = run.isMatch
            }
        case .mergedWithNext:
            for run in runs.reversed() {
                if run.isMatch, !previousWasMatch, let last = kept.last {
                    kept[kept.count - 1] = run.range.lowerBound..<last.upperBound
                } else {
                    kept.append(run.range)
                }
                previousWasMatch = run.isMatch
            }
            kept.reverse()
        }
        return kept.filter { !$0.isEmpty }.map { Array(self[$0]) }
    }
}
