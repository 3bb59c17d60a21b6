@testable import TUI

/// A decode played from a script instead of a model: which positions each step commits and the
/// entropy every position shows while masked. Enough to drive every view.
struct ScriptedDecode {
    var prompt = "Q?"
    var tokens: [TokenText]
    /// Positions committed by each step, step 1 first.
    var commits: [[Int]]
    var eosFrom: Int?
    var entropyScaleNats = 4.0
    var entropyNats: (_ position: Int, _ step: Int) -> Double = { _, _ in 2.0 }

    init(prompt: String = "Q?", tokens: [String], commits: [[Int]], eosFrom: Int? = nil) {
        self.prompt = prompt
        self.tokens = tokens.map(TokenText.text)
        self.commits = commits
        self.eosFrom = eosFrom
    }

    /// Autoregressive order: step i commits position i.
    static func autoregressive(_ count: Int) -> ScriptedDecode {
        ScriptedDecode(tokens: Array(repeating: "x", count: count), commits: (0..<count).map { [$0] })
    }

    func snapshot(atStep step: Int, status: StatusInfo = .fixture) -> DecodeSnapshot {
        var positions = Array(repeating: PositionState.masked(entropyNats: nil, guess: nil), count: tokens.count)
        var history: [StepTrace] = []
        for s in 1...max(1, step) where s <= step {
            var heat: [Double?] = Array(repeating: nil, count: tokens.count)
            for p in positions.indices {
                if case .masked = positions[p] { heat[p] = entropyNats(p, s) }
            }
            history.append(StepTrace(step: s, maskedEntropyNats: heat, committed: Set(commits[s - 1])))
            for p in commits[s - 1] {
                positions[p] = .decoded(DecodedToken(text: tokens[p], step: s, entropyNats: entropyNats(p, s),
                                                     confidence: 0.5, isEOS: eosFrom.map { p >= $0 } ?? false))
            }
        }
        for p in positions.indices {
            if case .masked = positions[p], step > 0 { positions[p] = .masked(entropyNats: entropyNats(p, step + 1), guess: nil) }
        }
        return DecodeSnapshot(prompt: prompt, positions: positions, step: step, plannedSteps: commits.count,
                              history: history, entropyScaleNats: entropyScaleNats, status: status)
    }
}

extension StatusInfo {
    static let fixture = StatusInfo(model: "tiny-arith", order: "confidence", blockLength: 32,
                                    parallelismRule: "fixed", parallelismValue: "k=1")
}

extension Screen {
    /// The most telling attribute as a letter: R reverse, B bold, D dim, U underline, I italic; "." none.
    var attributeText: String {
        rendered { cell in
            let a = cell.style.attributes
            let letters = [(CellAttributes.reverse, "R"), (.bold, "B"), (.dim, "D"), (.underline, "U"), (.italic, "I")]
                .filter { a.contains($0.0) }.map(\.1).joined()
            return cell.character == " " && letters.isEmpty ? " " : (letters.isEmpty ? "." : String(letters.first!))
        }
    }
}
