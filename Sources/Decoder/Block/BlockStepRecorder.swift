import Models

/// A block decode's forwards as the scope and transcripts see every decode: one StepRecord per
/// forward on a Canvas of the generated positions (canvas blocks start at index 0, so the
/// prompt's last partial block shares a block with the first generated positions). Prefill and
/// store forwards are steps too: they cost a forward, and a store may commit Fast-dLLM v2's AR token.
public struct BlockStepRecorder: Sendable {
    public let modelName: String
    public private(set) var canvas: Canvas
    public private(set) var history: [StepRecord] = []

    public init(modelName: String, promptIds: [Int], settings: BlockDecodeSettings, maskId: Int) {
        self.modelName = modelName
        canvas = Canvas(promptIds: promptIds, generationLength: settings.generatedPositions(promptLength: promptIds.count),
                        maskId: maskId)
    }

    /// Records the next forward, decided under `settings`, and applies it to the canvas.
    @discardableResult
    public mutating func append(_ step: BlockStep, settings: BlockDecodeSettings, millis: Double) throws -> StepRecord {
        let record = try Self.record(step, number: history.count + 1, canvas: canvas, modelName: modelName,
                                     settings: DecodeSettings(block: settings), millis: millis)
        try canvas.apply(record)
        history.append(record)
        return record
    }

    /// Appends a record made before (a step stepped back over and redone).
    public mutating func reapply(_ record: StepRecord) throws {
        try canvas.apply(record)
        history.append(record)
    }

    /// Undoes the last record (stepping back); returns it.
    @discardableResult
    public mutating func removeLast() -> StepRecord? {
        guard let record = history.popLast() else { return nil }
        canvas.undo(record)
        return record
    }

    /// `step` as the `number`-th record on `canvas` (as it stood before the step). Commits carry
    /// the loop's own probability as confidence and the entropy and margin of the same row.
    static func record(_ step: BlockStep, number: Int, canvas: Canvas, modelName: String,
                       settings: DecodeSettings, millis: Double) throws -> StepRecord {
        let P = canvas.promptIds.count
        for (position, row) in step.rows.sorted(by: { $0.key < $1.key }) where !row.logitsFinite {
            throw DecodeStepError.nonFiniteLogits(model: modelName, step: number, position: position - P, canvasIndex: position)
        }
        let placed = step.commits + (step.appended.map { [$0] } ?? [])
        let commits = placed.enumerated().map { index, commit in
            let row = step.rows[commit.position]
            return Commit(position: commit.position - P, token: commit.token, confidence: commit.probability,
                          entropyNats: row?.entropyNats ?? 0, margin: row?.margin ?? 0, rank: index + 1)
        }
        let committed = Set(commits.map(\.position))
        var entropy = [Float?](repeating: nil, count: canvas.generationLength)
        var guesses = [Int?](repeating: nil, count: canvas.generationLength)
        var candidates = [[TokenProbability]?](repeating: nil, count: canvas.generationLength)
        for (position, row) in step.rows where position >= P && position - P < canvas.generationLength {
            let offset = position - P
            guard canvas.isMasked(offset) else { continue }
            candidates[offset] = row.topCandidates
            guard !committed.contains(offset) else { continue }
            entropy[offset] = row.entropyNats
            guesses[offset] = row.topId == canvas.maskId ? nil : row.topId
        }
        var record = StepRecord(step: number, block: step.block, settings: settings, commits: commits,
                                maskedEntropyNats: entropy, maskedGuesses: guesses, topCandidates: candidates,
                                forwardPasses: 1, forwardMillis: millis, stepMillis: millis,
                                edits: step.edits.map { TokenEdit(position: $0.position - P, old: $0.old, new: $0.new,
                                                                  probability: $0.probability) })
        record.blockForward = BlockForward(kind: step.kind, positions: step.forward)
        return record
    }
}
