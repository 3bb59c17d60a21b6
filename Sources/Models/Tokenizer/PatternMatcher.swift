/// A compiled split pattern. It runs as a backtracking machine that tries alternatives in order and
/// quantifiers greedily, which is what gives Oniguruma's (Perl-style) leftmost-first matches; an
/// automaton would find different, leftmost-longest matches for the same patterns.
struct PatternMatcher: Sendable {
    private enum Instruction: Sendable {
        case scalar(UInt32)
        case foldedScalar(UInt32)
        case set(Int)
        /// Try `preferred` first; come back to `otherwise` when that path fails.
        case split(preferred: Int, otherwise: Int)
        case jump(Int)
        case lookahead(entry: Int, negated: Bool)
        case match
    }

    private var program: [Instruction] = []
    private var sets: [ScalarMembership] = []

    /// Bounds the program for patterns such as `a{1,100000}`.
    private static let maximumProgramLength = 100_000

    init(pattern: String) throws {
        try self.init(PatternParser.parse(pattern))
    }

    /// A matcher for the literal text, as Split's `{"String": …}` pattern means.
    init(literal: String) throws {
        try self.init(.sequence(literal.unicodeScalars.map { .scalar($0) }))
    }

    private init(_ root: PatternNode) throws {
        var lookaheads: [(instruction: Int, body: PatternNode)] = []
        try emit(root, lookaheads: &lookaheads)
        program.append(.match)
        while !lookaheads.isEmpty {
            let (instruction, body) = lookaheads.removeFirst()
            guard case .lookahead(_, let negated) = program[instruction] else { continue }
            program[instruction] = .lookahead(entry: program.count, negated: negated)
            try emit(body, lookaheads: &lookaheads)
            program.append(.match)
        }
    }

    private mutating func emit(_ node: PatternNode, lookaheads: inout [(instruction: Int, body: PatternNode)]) throws {
        if program.count > Self.maximumProgramLength {
            throw PatternSyntaxError(problem: "pattern expands to more than \(Self.maximumProgramLength) steps")
        }
        switch node {
        case .empty:
            break
        case .scalar(let scalar):
            program.append(.scalar(scalar.value))
        case .foldedScalar(let key):
            program.append(.foldedScalar(key))
        case .set(let set):
            sets.append(ScalarMembership(set))
            program.append(.set(sets.count - 1))
        case .sequence(let items):
            for item in items { try emit(item, lookaheads: &lookaheads) }
        case .alternation(let branches):
            var exits: [Int] = []
            for (number, branch) in branches.enumerated() {
                let isLast = number == branches.count - 1
                let split = program.count
                if !isLast { program.append(.match) }
                try emit(branch, lookaheads: &lookaheads)
                if !isLast {
                    exits.append(program.count)
                    program.append(.match)
                    program[split] = .split(preferred: split + 1, otherwise: program.count)
                }
            }
            for exit in exits { program[exit] = .jump(program.count) }
        case .repetition(let body, let min, let max, let greedy):
            for _ in 0..<min { try emit(body, lookaheads: &lookaheads) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.match)
                    try emit(body, lookaheads: &lookaheads)
                }
                for split in splits { program[split] = Self.split(into: split + 1, past: program.count, greedy) }
            } else {
                guard !body.canMatchEmpty else {
                    throw PatternSyntaxError(problem: "an unbounded repeat of something that can match empty text")
                }
                let loop = program.count
                program.append(.match)
                try emit(body, lookaheads: &lookaheads)
                program.append(.jump(loop))
                program[loop] = Self.split(into: loop + 1, past: program.count, greedy)
            }
        case .lookahead(let body, let negated):
            lookaheads.append((program.count, body))
            program.append(.lookahead(entry: 0, negated: negated))
        }
    }

    private static func split(into body: Int, past exit: Int, _ greedy: Bool) -> Instruction {
        greedy ? .split(preferred: body, otherwise: exit) : .split(preferred: exit, otherwise: body)
    }

    /// Every match, left to right, without overlaps, as Oniguruma's search finds them. After an
    /// empty match the search moves on one scalar.
    func matches(in text: [Unicode.Scalar]) -> [Range<Int>] {
        var found: [Range<Int>] = []
        var backtrack: [Int] = []
        var start = 0
        while start < text.count {
            if let end = matchEnd(from: 0, at: start, in: text, backtrack: &backtrack) {
                found.append(start..<end)
                start = max(end, start + 1)
            } else {
                start += 1
            }
        }
        return found
    }

    /// Where the program, entered at `entry`, first succeeds from `start`; nil when every path fails.
    private func matchEnd(from entry: Int, at start: Int, in text: [Unicode.Scalar], backtrack: inout [Int]) -> Int? {
        let base = backtrack.count
        defer { backtrack.removeSubrange(base...) }
        var pc = entry
        var position = start
        while true {
            switch program[pc] {
            case .scalar(let value):
                if position < text.count, text[position].value == value {
                    pc += 1
                    position += 1
                    continue
                }
            case .foldedScalar(let key):
                if position < text.count, text[position].caseFoldKey == key {
                    pc += 1
                    position += 1
                    continue
                }
            case .set(let set):
                if position < text.count, sets[set].contains(text[position].value) {
                    pc += 1
                    position += 1
                    continue
                }
            case .split(let preferred, let otherwise):
                backtrack.append(otherwise)
                backtrack.append(position)
                pc = preferred
                continue
            case .jump(let target):
                pc = target
                continue
            case .lookahead(let entry, let negated):
                let found = matchEnd(from: entry, at: position, in: text, backtrack: &backtrack) != nil
                if found != negated {
                    pc += 1
                    continue
                }
            case .match:
                return position
            }
            guard backtrack.count > base else { return nil }
            position = backtrack.removeLast()
            pc = backtrack.removeLast()
        }
    }
}
