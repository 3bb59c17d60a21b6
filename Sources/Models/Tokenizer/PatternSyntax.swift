/// A split pattern as a tree. Covers the Oniguruma syntax that tokenizer.json patterns use
/// (alternation, groups, `(?i:…)`, lookahead, classes with `\p{…}`, greedy and lazy quantifiers);
/// anything else is rejected by name rather than matched differently.
indirect enum PatternNode {
    case empty
    case scalar(Unicode.Scalar)
    /// A letter compared by case-fold key, inside `(?i…)`.
    case foldedScalar(UInt32)
    case set(ScalarSet)
    case sequence([PatternNode])
    case alternation([PatternNode])
    case repetition(PatternNode, min: Int, max: Int?, greedy: Bool)
    case lookahead(PatternNode, negated: Bool)

    var canMatchEmpty: Bool {
        switch self {
        case .empty, .lookahead: return true
        case .scalar, .foldedScalar, .set: return false
        case .sequence(let items): return items.allSatisfy(\.canMatchEmpty)
        case .alternation(let branches): return branches.contains(where: \.canMatchEmpty)
        case .repetition(let body, let min, _, _): return min == 0 || body.canMatchEmpty
        }
    }
}

/// Why a pattern cannot be used; the loader adds the file and the pattern text.
struct PatternSyntaxError: Error {
    let problem: String
}

struct PatternParser {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var ignoresCase = false
    private var depth = 0

    /// Groups nest by recursion; real split patterns nest a few levels, a hostile one thousands.
    static let maximumNesting = 100

    static func parse(_ pattern: String) throws -> PatternNode {
        var parser = PatternParser(scalars: Array(pattern.unicodeScalars))
        let node = try parser.alternation()
        if parser.index < parser.scalars.count { throw parser.failure("unbalanced ')'") }
        return node
    }

    private init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var next: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func failure(_ problem: String) -> PatternSyntaxError {
        PatternSyntaxError(problem: "\(problem) at character \(index)")
    }

    private mutating func take(_ expected: Unicode.Scalar) -> Bool {
        guard next == expected else { return false }
        index += 1
        return true
    }

    private mutating func alternation() throws -> PatternNode {
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maximumNesting { throw failure("groups nest deeper than \(Self.maximumNesting) levels") }
        var branches = [try sequence()]
        while take("|") { branches.append(try sequence()) }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func sequence() throws -> PatternNode {
        var items: [PatternNode] = []
        while let scalar = next, scalar != "|", scalar != ")" {
            guard let atom = try atom() else {
                // Oniguruma scopes `a(?i)b|c` as `a(?i:b|c)`: the flag takes the rest of the group.
                items.append(try alternation())
                break
            }
            items.append(try quantified(atom))
        }
        switch items.count {
        case 0: return .empty
        case 1: return items[0]
        default: return .sequence(items)
        }
    }

    /// The next atom, or nil for a flag group such as `(?i)` that only changes what follows.
    private mutating func atom() throws -> PatternNode? {
        let scalar = scalars[index]
        index += 1
        switch scalar {
        case "(": return try group()
        case "[": return .set(try characterClass())
        case ".": return .set(.notLineFeed)
        case "\\": return try escape()
        case "^", "$": throw failure("anchors (^, $) are not supported")
        case "*", "+", "?": throw failure("'\(scalar)' has nothing to repeat")
        default: return literal(scalar)
        }
    }

    private func literal(_ scalar: Unicode.Scalar) -> PatternNode {
        guard ignoresCase, scalar.properties.changesWhenCaseMapped else { return .scalar(scalar) }
        return .foldedScalar(scalar.caseFoldKey)
    }

    private mutating func group() throws -> PatternNode? {
        guard take("?") else { return try groupBody() }
        guard let kind = next else { throw failure("unterminated group") }
        switch kind {
        case ":":
            index += 1
            return try groupBody()
        case "=", "!":
            index += 1
            return .lookahead(try groupBody(), negated: kind == "!")
        case "<":
            index += 1
            if next == "=" || next == "!" { throw failure("lookbehind is not supported") }
            while let scalar = next, scalar != ">" { index += 1 }
            guard take(">") else { throw failure("unterminated group name") }
            return try groupBody()
        default:
            return try flagGroup()
        }
    }

    /// `(?i)`, `(?-i)`, `(?i:…)`: only the case-insensitive flag is supported. A bare flag group
    /// gives nil, having switched the flag for the rest of the enclosing group.
    private mutating func flagGroup() throws -> PatternNode? {
        var enable = true
        var ignoresCaseInside = ignoresCase
        while let flag = next, flag != ":", flag != ")" {
            switch flag {
            case "-": enable = false
            case "i": ignoresCaseInside = enable
            default: throw failure("group flag '\(flag)' is not supported")
            }
            index += 1
        }
        if take(")") {
            ignoresCase = ignoresCaseInside
            return nil
        }
        guard take(":") else { throw failure("unterminated group") }
        let outer = ignoresCase
        ignoresCase = ignoresCaseInside
        defer { ignoresCase = outer }
        return try groupBody()
    }

    private mutating func groupBody() throws -> PatternNode {
        let outer = ignoresCase
        defer { ignoresCase = outer }
        let body = try alternation()
        guard take(")") else { throw failure("missing ')'") }
        return body
    }

    private mutating func quantified(_ atom: PatternNode) throws -> PatternNode {
        let bounds: (min: Int, max: Int?)
        switch next {
        case "?": index += 1; bounds = (0, 1)
        case "*": index += 1; bounds = (0, nil)
        case "+": index += 1; bounds = (1, nil)
        case "{":
            guard let interval = interval() else { return atom }
            bounds = interval
        default:
            return atom
        }
        if let max = bounds.max, max < bounds.min { throw failure("repeat range {\(bounds.min),\(max)} is reversed") }
        let greedy = !take("?")
        if next == "+" { throw failure("possessive quantifiers are not supported") }
        if next == "*" || next == "?" || (next == "{" && lookingAtInterval()) {
            throw failure("nested quantifier")
        }
        return .repetition(atom, min: bounds.min, max: bounds.max, greedy: greedy)
    }

    private func lookingAtInterval() -> Bool {
        var probe = self
        return probe.interval() != nil
    }

    /// `{n}`, `{n,}`, `{,m}`, `{n,m}`; anything else leaves `{` a literal, as in Oniguruma.
    private mutating func interval() -> (min: Int, max: Int?)? {
        let start = index
        index += 1
        let low = number()
        let high = take(",") ? number() : low
        guard take("}"), low != nil || high != nil else {
            index = start
            return nil
        }
        return (low ?? 0, high)
    }

    private mutating func number() -> Int? {
        var value: Int?
        while let scalar = next, ("0"..."9").contains(scalar), (value ?? 0) < 100_000 {
            value = (value ?? 0) * 10 + Int(scalar.value - 0x30)
            index += 1
        }
        return value
    }

    private mutating func escape() throws -> PatternNode {
        let set = try escapedSet()
        if case .range(let range) = set, range.lowerBound == range.upperBound {
            return literal(Unicode.Scalar(range.lowerBound)!)
        }
        return .set(set)
    }

    /// The set an escape names; single characters come back as one-scalar ranges.
    private mutating func escapedSet() throws -> ScalarSet {
        guard let code = next else { throw failure("pattern ends with '\\'") }
        index += 1
        switch code {
        case "s": return .whitespace
        case "S": return .complement(.whitespace)
        case "d": return .categories(.decimalNumber)
        case "D": return .complement(.categories(.decimalNumber))
        case "w": return .word
        case "W": return .complement(.word)
        case "p", "P": return try property(negated: code == "P")
        case "n": return .single(0x0A)
        case "r": return .single(0x0D)
        case "t": return .single(0x09)
        case "f": return .single(0x0C)
        case "v": return .single(0x0B)
        case "a": return .single(0x07)
        case "e": return .single(0x1B)
        case "x": return .single(try hexEscape(digits: 2))
        case "u": return .single(try hexEscape(digits: 4))
        default:
            if code.properties.isAlphabetic || ("0"..."9").contains(code) {
                throw failure("escape '\\\(code)' is not supported")
            }
            return .single(code.value)
        }
    }

    private mutating func hexEscape(digits: Int) throws -> UInt32 {
        let braced = digits == 2 && take("{")
        var value: UInt32 = 0
        var count = 0
        while let scalar = next, let digit = scalar.hexDigitValue, braced || count < digits {
            value = value * 16 + UInt32(digit)
            count += 1
            index += 1
            if value > 0x10FFFF { throw failure("hex escape beyond U+10FFFF") }
        }
        if braced, !take("}") { throw failure("unterminated \\x{…}") }
        guard count > 0, braced || count == digits, Unicode.Scalar(value) != nil else {
            throw failure("bad hex escape")
        }
        return value
    }

    private mutating func property(negated: Bool) throws -> ScalarSet {
        var name = ""
        if take("{") {
            while let scalar = next, scalar != "}" {
                name.unicodeScalars.append(scalar)
                index += 1
            }
            guard take("}") else { throw failure("unterminated \\p{…}") }
        } else if let scalar = next {
            name = String(scalar)
            index += 1
        }
        var complement = negated
        if name.hasPrefix("^") {
            complement.toggle()
            name.removeFirst()
        }
        guard let categories = GeneralCategories.named(name) else {
            throw failure("Unicode property \\p{\(name)} is not supported (general categories only)")
        }
        return complement ? .complement(.categories(categories)) : .categories(categories)
    }

    private mutating func characterClass() throws -> ScalarSet {
        let negated = take("^")
        var members: [ScalarSet] = []
        var first = true
        while true {
            guard let scalar = next else { throw failure("missing ']'") }
            if scalar == "]" && !first { break }
            first = false
            if scalar == "[" { throw failure("nested character classes are not supported") }
            if scalar == "&", index + 1 < scalars.count, scalars[index + 1] == "&" {
                throw failure("class intersection (&&) is not supported")
            }
            index += 1
            let member = scalar == "\\" ? try escapedSet() : .single(scalar.value)
            guard case .range(let low) = member, low.count == 1, next == "-",
                  index + 1 < scalars.count, scalars[index + 1] != "]" else {
                members.append(member)
                continue
            }
            index += 1
            let upperScalar = scalars[index]
            index += 1
            let upper = upperScalar == "\\" ? try escapedSet() : .single(upperScalar.value)
            guard case .range(let high) = upper, high.count == 1, high.lowerBound >= low.lowerBound else {
                throw failure("bad range in character class")
            }
            members.append(.range(low.lowerBound...high.lowerBound))
        }
        index += 1
        let union = members.count == 1 ? members[0] : .union(members)
        if ignoresCase, union.hasCasedLiterals {
            throw failure("case-insensitive character classes with letters are not supported")
        }
        return negated ? .complement(union) : union
    }
}

private extension ScalarSet {
    static func single(_ value: UInt32) -> ScalarSet { .range(value...value) }
}

private extension Unicode.Scalar {
    var hexDigitValue: Int? { isASCII ? Int(String(self), radix: 16) : nil }
}
