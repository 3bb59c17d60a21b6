/// One committed token and what the model thought of it in the forward that committed it.
public struct Commit: Equatable, Sendable {
    /// Offset into the generated part of the canvas (0 = first position after the prompt).
    public var position: Int
    public var token: Int
    /// softmax(logits)[token] of the committing forward.
    public var confidence: Float
    /// H = −Σ p log p of that row, in nats.
    public var entropyNats: Float
    /// Top-1 minus top-2 probability of that row.
    public var margin: Float
    /// 1-based place in the order policy's ranking among this step's commits.
    public var rank: Int

    public init(position: Int, token: Int, confidence: Float, entropyNats: Float, margin: Float, rank: Int) {
        self.position = position
        self.token = token
        self.confidence = confidence
        self.entropyNats = entropyNats
        self.margin = margin
        self.rank = rank
    }
}

/// A generated position: still masked, or committed at a 1-based step.
public enum PositionState: Equatable, Sendable {
    case masked
    case decoded(step: Int, Commit)

    public var step: Int? {
        if case let .decoded(step, _) = self { return step }
        return nil
    }
}

/// The canvas `[prompt | generation]`: model input plus the state of every generated position.
/// Committed tokens are never remasked (LLaDA), so undoing a step is exact.
public struct Canvas: Equatable, Sendable {
    public let promptIds: [Int]
    public let maskId: Int
    /// Model input: the prompt, then each generated position's token or the mask id.
    public private(set) var tokens: [Int]
    public private(set) var states: [PositionState]
    public private(set) var maskedCount: Int

    /// Callers check `generationLength` first (DecodeSettings.validate, the transcript reader).
    public init(promptIds: [Int], generationLength: Int, maskId: Int) {
        precondition((0...DecodeLimits.maxGenerationLength).contains(generationLength), "unchecked generation length")
        self.promptIds = promptIds
        self.maskId = maskId
        tokens = promptIds + Array(repeating: maskId, count: generationLength)
        states = Array(repeating: .masked, count: generationLength)
        maskedCount = generationLength
    }

    public var generationLength: Int { states.count }
    public var isComplete: Bool { maskedCount == 0 }

    /// Canvas index of a generated position.
    public func canvasIndex(_ position: Int) -> Int { promptIds.count + position }

    public func isMasked(_ position: Int) -> Bool { states[position] == .masked }

    /// Generated positions still masked, left to right.
    public var maskedPositions: [Int] { states.indices.filter { states[$0] == .masked } }

    /// The generated tokens, the mask id where nothing is committed yet.
    public var generatedIds: [Int] { Array(tokens[promptIds.count...]) }

    /// 1-based step at which each generated position was committed; nil while masked.
    public var stepMap: [Int?] { states.map(\.step) }

    /// The number of distinct steps that committed inside `range` (the LLaDA schedule's progress
    /// through a block, read from the canvas alone so that back() and branch() need no extra state).
    public func stepsSpent(in range: Range<Int>) -> Int {
        Set(states[range].compactMap(\.step)).count
    }

    /// Steps spent on block `block` of `blocks`: those that committed inside it, plus the steps
    /// of Dream's timestep schedule that committed nothing while it was current (only the history
    /// knows those).
    public func stepsSpent(onBlock block: Int, of blocks: BlockLayout, history: [StepRecord]) -> Int {
        let idle = history.filter {
            $0.commits.isEmpty && $0.block == block && $0.settings.blocks(generationLength: generationLength) == blocks
        }
        return stepsSpent(in: blocks.range(ofBlock: block)) + idle.count
    }

    /// Per generated position, the steps that replaced its token (edits), oldest first.
    public private(set) var editSteps: [Int: [Int]] = [:]

    /// Whether a step ever re-committed the position.
    public func isEdited(_ position: Int) -> Bool { !(editSteps[position] ?? []).isEmpty }

    public mutating func apply(_ record: StepRecord) throws {
        var seen = Set<Int>()
        for edit in record.edits {
            guard states.indices.contains(edit.position) else {
                throw CanvasError.outside(position: edit.position, step: record.step, length: states.count)
            }
            guard !isMasked(edit.position), tokens[canvasIndex(edit.position)] == edit.old,
                  seen.insert(edit.position).inserted else {
                throw CanvasError.editOfUndecoded(position: edit.position, step: record.step)
            }
        }
        seen = []
        for commit in record.commits {
            guard states.indices.contains(commit.position) else {
                throw CanvasError.outside(position: commit.position, step: record.step, length: states.count)
            }
            guard states[commit.position] == .masked, seen.insert(commit.position).inserted else {
                throw CanvasError.alreadyDecoded(position: commit.position, step: record.step)
            }
        }
        for commit in record.commits {
            states[commit.position] = .decoded(step: record.step, commit)
            tokens[canvasIndex(commit.position)] = commit.token
        }
        maskedCount -= record.commits.count
        for edit in record.edits {
            tokens[canvasIndex(edit.position)] = edit.new
            editSteps[edit.position, default: []].append(record.step)
        }
    }

    /// Exactly reverses `apply(record)` of the most recent step.
    public mutating func undo(_ record: StepRecord) {
        for edit in record.edits.reversed() {
            tokens[canvasIndex(edit.position)] = edit.old
            editSteps[edit.position]?.removeLast()
            if editSteps[edit.position]?.isEmpty == true { editSteps[edit.position] = nil }
        }
        for commit in record.commits {
            precondition(states[commit.position].step == record.step, "undo out of order")
            states[commit.position] = .masked
            tokens[canvasIndex(commit.position)] = maskId
            maskedCount += 1
        }
    }
}

public enum CanvasError: Error, CustomStringConvertible, Equatable {
    case outside(position: Int, step: Int, length: Int)
    case alreadyDecoded(position: Int, step: Int)
    case editOfUndecoded(position: Int, step: Int)

    public var description: String {
        switch self {
        case let .outside(position, step, length):
            return "step \(step) commits position \(position), outside the \(length) generated positions; the record belongs to another canvas"
        case let .alreadyDecoded(position, step):
            return "step \(step) commits position \(position), which an earlier step already decoded; replay the steps in order"
        case let .editOfUndecoded(position, step):
            return "step \(step) edits position \(position), which does not hold the edit's old token (still masked, edited twice in the step, or another canvas); replay the steps in order"
        }
    }
}
