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

    /// The pattern as the file gives it, for messages.
    let source: String
    private var program: [Instruction] = []
    private var sets: [ScalarMembership] = []

    /// Bounds the program for patterns such as `a{1,100000}`.
    private static let maximumProgramLength = 100_000

    init(pattern: String) throws {
        try self.init(PatternParser.parse(pattern), source: pattern)
    }

    /// A matcher for the literal text, as Split's `{"String": …}` pattern means.
    init(literal: String) throws {
        try self.init(.sequence(literal.unicodeScalars.map { .scalar($0) }), source: literal)
    }

    private init(_ root: PatternNode, source: String) throws {
        self.source = source
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
    /// empty match the search moves on one scalar. Throws `PatternBudgetExceeded` past
    /// `stepBudget` steps (by default `defaultStepBudget`).
    func matches(in text: [Unicode.Scalar], stepBudget: Int? = nil) throws -> [Range<Int>] {
        var search = Search(program: program, sets: sets, text: text,
                            budget: stepBudget ?? Self.defaultStepBudget(textLength: text.count))
        var found: [Range<Int>] = []
        var start = 0
        while start < text.count {
            if let end = try search.run(from: 0, at: start, lookahead: false) {
                found.append(start..<end)
                start = max(end, start + 1)
            } else {
                start += 1
            }
        }
        return found
    }

    /// With the memo a search takes at most a few steps per (instruction, scalar) pair; the budget
    /// is the backstop where the memo is not kept (a program too long for the text), far above
    /// what the split patterns of real tokenizers need.
    static func defaultStepBudget(textLength: Int) -> Int {
        10_000_000 + 1_000 * textLength
    }

    /// One run of the program over a text. A backtracking search that remembers which
    /// (instruction, position) states it has explored, as RE2's BitState does: without captures or
    /// backreferences a state that failed once fails again, so `(a|a)*b` and `.*x` stay polynomial
    /// while the matches stay Oniguruma's leftmost-first ones.
    private struct Search {
        let program: [Instruction]
        let sets: [ScalarMembership]
        let text: [Unicode.Scalar]
        let budget: Int
        private var steps = 0
        private var backtrack: [(pc: Int, position: Int)] = []
        /// States explored and failed, or on a path still being explored.
        private var visited: Bitset?
        /// Lookahead states known to reach their match: a lookahead only asks whether one does.
        private var succeeds: Bitset?
        /// States on the paths being explored, with the backtrack height when each was entered: once
        /// the search backtracks below that height, everything after the state has failed.
        private var pending: [(state: Int, height: Int)] = []
        private let positions: Int

        /// Beyond this many (instruction, position) pairs the search runs without the memo, bounded
        /// by the budget alone, rather than allocate tables of tens of megabytes.
        private static let maximumMemoStates = 1 << 25

        init(program: [Instruction], sets: [ScalarMembership], text: [Unicode.Scalar], budget: Int) {
            self.program = program
            self.sets = sets
            self.text = text
            self.budget = budget
            positions = text.count + 1
            let (states, overflow) = program.count.multipliedReportingOverflow(by: positions)
            if !overflow, states <= Self.maximumMemoStates {
                visited = Bitset(count: states)
                succeeds = Bitset(count: states)
            }
        }

        /// Where the program, entered at `entry`, first succeeds from `start`; nil when every path
        /// fails. A lookahead's result is only whether it succeeds.
        mutating func run(from entry: Int, at start: Int, lookahead: Bool) throws -> Int? {
            let base = backtrack.count
            let pendingBase = pending.count
            defer { backtrack.removeSubrange(base...) }
            var pc = entry
            var position = start
            while true {
                steps += 1
                if steps > budget { throw PatternBudgetExceeded(steps: budget) }
                var advances = false
                let state = pc * positions + position
                if visited?.contains(state) == true {
                    if succeeds?.contains(state) == true {
                        finish(from: pendingBase, succeeded: true, lookahead: lookahead)
                        return position
                    }
                } else {
                    visited?.insert(state)
                    if visited != nil { pending.append((state, backtrack.count)) }
                    switch program[pc] {
                    case .scalar(let value):
                        advances = position < text.count && text[position].value == value
                    case .foldedScalar(let key):
                        advances = position < text.count && text[position].caseFoldKey == key
                    case .set(let set):
                        advances = position < text.count && sets[set].contains(text[position].value)
                    case .split(let preferred, let otherwise):
                        backtrack.append((otherwise, position))
                        pc = preferred
                        continue
                    case .jump(let target):
                        pc = target
                        continue
                    case .lookahead(let entry, let negated):
                        let found = try run(from: entry, at: position, lookahead: true) != nil
                        if found != negated {
                            pc += 1
                            continue
                        }
                    case .match:
                        finish(from: pendingBase, succeeded: true, lookahead: lookahead)
                        return position
                    }
                }
                if advances {
                    pc += 1
                    position += 1
                    continue
                }
                guard backtrack.count > base else {
                    finish(from: pendingBase, succeeded: false, lookahead: lookahead)
                    return nil
                }
                (pc, position) = backtrack.removeLast()
                while let last = pending.last, pending.count > pendingBase, last.height > backtrack.count {
                    pending.removeLast()
                }
            }
        }

        /// Failed states stay marked. The states of a successful path are forgotten, as the next
        /// search from a later start may pass them on its way to a different end, unless they are
        /// a lookahead's, which only ever asks whether the match is reachable.
        private mutating func finish(from pendingBase: Int, succeeded: Bool, lookahead: Bool) {
            if succeeded {
                for (state, _) in pending[pendingBase...] {
                    if lookahead { succeeds?.insert(state) } else { visited?.remove(state) }
                }
            }
            pending.removeSubrange(pendingBase...)
        }
    }
}

/// The split pattern needed more steps than its budget on one text.
struct PatternBudgetExceeded: Error {
    let steps: Int
}

/// A fixed set of small integers, one bit each.
private struct Bitset {
    private var words: [UInt64]

    init(count: Int) {
        words = Array(repeating: 0, count: (count + 63) / 64)
    }

    func contains(_ member: Int) -> Bool {
        words[member >> 6] & (1 << UInt64(member & 63)) != 0
    }

    mutating func insert(_ member: Int) {
        words[member >> 6] |= 1 << UInt64(member & 63)
    }

    mutating func remove(_ member: Int) {
        words[member >> 6] &= ~(1 << UInt64(member & 63))
    }
}
