/// Byte-pair encoding over bytes. tokenizer.json spells the vocabulary in the byte-level alphabet;
/// here every token is the byte string it stands for. Merges apply lowest rank first and, between
/// equal ranks, leftmost first, as `tokenizers` applies them.
struct BPEModel: Sendable {
    /// The bytes of each vocabulary id; nil for ids the vocabulary skips.
    let tokenBytes: [[UInt8]?]
    /// The id of each single byte, or nil when the vocabulary lacks it.
    private let idOfByte: [Int?]
    /// Ids by the token text as tokenizer.json spells it.
    private let idOfToken: [String: Int]
    /// (left id << 32 | right id) → (rank << 32 | merged id).
    private let merges: [UInt64: UInt64]
    /// With `ignore_merges`, a word that is itself a token is taken whole (LLaMA-3 and LLaDA set it).
    private let ignoresMerges: Bool
    /// Stands in for bytes the vocabulary lacks; without it they are dropped, as `tokenizers` does.
    private let unknownID: Int?
    private let fusesUnknown: Bool

    static let supportedTypes = ["BPE"]

    /// Ids index tables, so an absurd id in a damaged file must not allocate gigabytes.
    static let idLimit = 1 << 24

    /// The largest id (exclusive) a file of `entries` vocabulary or added-token entries may use:
    /// ids run densely from 0 in every released tokenizer, so a few gaps are allowed but not an
    /// id whose table would be thousands of times the file (one id of 2²⁴ − 1 in a 9 KB file).
    static func idBound(entries: Int) -> Int {
        min(idLimit, 2 * entries + 1024)
    }

    init(json: JSONValue, file: String) throws {
        if let type = json["type"]?.string, type != "BPE" {
            throw TokenizerError.unsupported(file: file, component: "model", type: type, supported: Self.supportedTypes)
        }
        for option in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let value = json[option], !value.isNull {
                throw TokenizerError.invalidField(file: file, field: "model.\(option)",
                                                  problem: "is not supported by byte-level BPE; it must be null")
            }
        }
        if json["byte_fallback"]?.bool == true {
            throw TokenizerError.invalidField(file: file, field: "model.byte_fallback",
                                              problem: "is not supported by byte-level BPE; it must be false")
        }
        if case .number(let dropout) = json["dropout"], dropout > 0 {
            throw TokenizerError.invalidField(file: file, field: "model.dropout",
                                              problem: "must be null: dropout makes encoding random")
        }
        guard let vocabulary = json["vocab"]?.members else {
            throw TokenizerError.missingField(file: file, field: "model.vocab")
        }

        let bound = BPEModel.idBound(entries: vocabulary.count)
        let ids = try vocabulary.map { token, value in
            guard let id = value.integer, (0..<bound).contains(id) else {
                throw TokenizerError.invalidField(file: file, field: "model.vocab[\(token.debugDescription)]",
                                                  problem: "must be an integer id from 0 to \(bound - 1) (the vocabulary has \(vocabulary.count) entries)")
            }
            return id
        }
        var tokenBytes = [[UInt8]?](repeating: nil, count: (ids.max() ?? -1) + 1)
        var idOfToken: [String: Int] = [:]
        idOfToken.reserveCapacity(vocabulary.count)
        for ((token, _), id) in zip(vocabulary, ids) {
            // Entries outside the byte-level alphabet (added tokens copied into the vocabulary) stand for their text.
            tokenBytes[id] = ByteLevel.bytes(ofToken: token) ?? Array(token.utf8)
            idOfToken[token] = id
        }
        self.tokenBytes = tokenBytes
        self.idOfToken = idOfToken
        idOfByte = ByteLevel.characterOfByte.map { idOfToken[String($0)] }
        merges = try Self.merges(json["merges"], idOfToken: idOfToken, file: file)
        ignoresMerges = json["ignore_merges"]?.bool ?? false
        fusesUnknown = json["fuse_unk"]?.bool ?? false
        if let unknown = json["unk_token"]?.string {
            guard let id = idOfToken[unknown] else {
                throw TokenizerError.invalidField(file: file, field: "model.unk_token",
                                                  problem: "names \(unknown.debugDescription), which is not in the vocabulary")
            }
            unknownID = id
        } else {
            unknownID = nil
        }
    }

    /// Merges as "left right" strings or as [left, right] pairs; the rank is the position in the list.
    private static func merges(_ json: JSONValue?, idOfToken: [String: Int], file: String) throws -> [UInt64: UInt64] {
        guard let list = json?.array else { throw TokenizerError.missingField(file: file, field: "model.merges") }
        var merges: [UInt64: UInt64] = [:]
        merges.reserveCapacity(list.count)
        for (rank, entry) in list.enumerated() {
            guard let (left, right) = pair(entry) else {
                throw TokenizerError.invalidField(file: file, field: "model.merges[\(rank)]",
                                                  problem: "must be \"left right\" or [\"left\", \"right\"]")
            }
            func id(of token: String) throws -> Int {
                guard let id = idOfToken[token] else {
                    throw TokenizerError.unknownMergeToken(file: file, rank: rank, merge: "\(left) \(right)", token: token)
                }
                return id
            }
            let leftID = try id(of: left), rightID = try id(of: right)
            let merged = try id(of: left + right)
            merges[UInt64(leftID) << 32 | UInt64(rightID)] = UInt64(rank) << 32 | UInt64(merged)
        }
        return merges
    }

    private static func pair(_ entry: JSONValue) -> (String, String)? {
        switch entry {
        case .string(let text):
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            return parts.count == 2 ? (String(parts[0]), String(parts[1])) : nil
        case .array(let parts):
            guard parts.count == 2, let left = parts[0].string, let right = parts[1].string else { return nil }
            return (left, right)
        default:
            return nil
        }
    }

    /// The id of a vocabulary entry, given as tokenizer.json spells it.
    func id(ofToken token: String) -> Int? {
        idOfToken[token]
    }

    /// Appends the ids of one pre-tokenized word, given as its bytes.
    func encode(word: [UInt8], into ids: inout [Int]) {
        if ignoresMerges, let id = idOfToken[ByteLevel.token(spelling: word)] {
            ids.append(id)
            return
        }
        var symbols = MergeBuffer(ids: initialSymbols(of: word))
        var queue = MergeQueue()
        for position in symbols.positions.dropLast() {
            if let candidate = merge(symbols.id[position], symbols.id[position + 1]) {
                queue.push(rank: candidate.rank, position: position)
            }
        }
        while let (rank, position) = queue.popLowest() {
            guard symbols.isAlive(position), let right = symbols.next(position),
                  let candidate = merge(symbols.id[position], symbols.id[right]), candidate.rank == rank else { continue }
            symbols.merge(position, with: right, into: candidate.merged)
            if let left = symbols.previous(position), let before = merge(symbols.id[left], symbols.id[position]) {
                queue.push(rank: before.rank, position: left)
            }
            if let right = symbols.next(position), let after = merge(symbols.id[position], symbols.id[right]) {
                queue.push(rank: after.rank, position: position)
            }
        }
        symbols.appendIDs(to: &ids)
    }

    private func initialSymbols(of word: [UInt8]) -> [Int] {
        var symbols: [Int] = []
        symbols.reserveCapacity(word.count)
        var previousWasUnknown = false
        for byte in word {
            if let id = idOfByte[Int(byte)] {
                symbols.append(id)
                previousWasUnknown = false
            } else if let unknownID {
                if !(fusesUnknown && previousWasUnknown) { symbols.append(unknownID) }
                previousWasUnknown = true
            }
        }
        return symbols
    }

    private func merge(_ left: Int, _ right: Int) -> (rank: Int, merged: Int)? {
        guard let entry = merges[UInt64(left) << 32 | UInt64(right)] else { return nil }
        return (Int(entry >> 32), Int(entry & 0xFFFF_FFFF))
    }
}

/// The symbols of a word during merging: a linked list over their first positions, so a merge
/// keeps every other symbol's position (the tie-breaker between equal ranks).
private struct MergeBuffer {
    var id: [Int]
    private var nextPosition: [Int]
    private var previousPosition: [Int]
    private var alive: [Bool]

    init(ids: [Int]) {
        id = ids
        nextPosition = Array(1...max(ids.count, 1))
        previousPosition = Array(-1..<max(ids.count - 1, 0))
        alive = Array(repeating: true, count: ids.count)
    }

    var positions: Range<Int> { 0..<id.count }

    func isAlive(_ position: Int) -> Bool { alive[position] }

    func next(_ position: Int) -> Int? {
        nextPosition[position] < id.count ? nextPosition[position] : nil
    }

    func previous(_ position: Int) -> Int? {
        previousPosition[position] >= 0 ? previousPosition[position] : nil
    }

    mutating func merge(_ position: Int, with right: Int, into merged: Int) {
        id[position] = merged
        alive[right] = false
        nextPosition[position] = nextPosition[right]
        if nextPosition[right] < id.count { previousPosition[nextPosition[right]] = position }
    }

    func appendIDs(to ids: inout [Int]) {
        var position = 0
        while position < id.count {
            ids.append(id[position])
            position = nextPosition[position]
        }
    }
}

/// A binary min-heap of merge candidates ordered by (rank, position).
private struct MergeQueue {
    private var heap: [UInt64] = []

    mutating func push(rank: Int, position: Int) {
        heap.append(UInt64(rank) << 32 | UInt64(position))
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child] < heap[parent] else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popLowest() -> (rank: Int, position: Int)? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1, right = left + 1
                var smallest = parent
                if left < heap.count, heap[left] < heap[smallest] { smallest = left }
                if right < heap.count, heap[right] < heap[smallest] { smallest = right }
                if smallest == parent { break }
                heap.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return (Int(top >> 32), Int(top & 0xFFFF_FFFF))
    }
}
