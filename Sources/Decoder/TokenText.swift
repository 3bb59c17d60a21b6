import Foundation
import Models

/// The seam to a tokenizer: the decoder needs the text of ids only to label transcripts and
/// summaries, so any tokenizer (or a transcript's recorded pieces) can stand behind it.
public protocol TokenText: Sendable {
    /// Names the tokenizer in transcript headers (e.g. a path and a hash of tokenizer.json).
    var tokenizerId: String { get }
    /// One token as shown in a canvas cell; a byte-level token may be an incomplete UTF-8
    /// sequence and must still come back as displayable text.
    func piece(_ id: Int) -> String
    /// The text of a run of ids, special tokens dropped, bytes assembled across token boundaries.
    func text(_ ids: [Int]) -> String
}

/// Pieces read back from a transcript, so a replay labels tokens without the tokenizer.
public struct RecordedPieces: TokenText {
    public let tokenizerId: String
    public let pieces: [Int: String]
    /// Ids that `text` leaves out (mask, EOS, EoT).
    public let specialIds: Set<Int>

    public init(tokenizerId: String, pieces: [Int: String], specialIds: Set<Int>) {
        self.tokenizerId = tokenizerId
        self.pieces = pieces
        self.specialIds = specialIds
    }

    public func piece(_ id: Int) -> String { pieces[id] ?? "⟨\(id)⟩" }

    public func text(_ ids: [Int]) -> String {
        ids.filter { !specialIds.contains($0) }.map(piece).joined()
    }
}

/// A tokenizer.json tokenizer behind the seam.
public struct TokenizerText: TokenText {
    public let tokenizer: BPETokenizer
    public let tokenizerId: String

    public init(tokenizer: BPETokenizer, tokenizerId: String) {
        self.tokenizer = tokenizer
        self.tokenizerId = tokenizerId
    }

    /// Loads `folder`/tokenizer.json; the id is its path and fingerprint.
    public init(folder: URL) throws {
        let file = folder.appendingPathComponent("tokenizer.json")
        let bytes = (try? Data(contentsOf: file)) ?? Data()
        self.init(tokenizer: try BPETokenizer(folder: folder),
                  tokenizerId: file.path + " " + ModelIdentity.fingerprint(bytes))
    }

    /// A lone fragment of a multi-byte character shows as U+FFFD.
    public func piece(_ id: Int) -> String { String(decoding: tokenizer.bytes(of: id), as: UTF8.self) }

    public func text(_ ids: [Int]) -> String { tokenizer.decode(ids, skipSpecial: true) }
}
