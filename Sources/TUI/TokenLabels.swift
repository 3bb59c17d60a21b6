/// Turns token ids into what the canvas draws. A tokenizer's bytes come first, so that a fragment
/// of a multi-byte character is recognised as one; a replay has only the pieces its transcript
/// recorded (the committed tokens').
public struct TokenLabels {
    private let bytes: ((Int) -> [UInt8])?
    private let pieces: [Int: String]

    public init(bytes: @escaping (Int) -> [UInt8]) {
        self.bytes = bytes
        pieces = [:]
    }

    public init(recordedPieces: [Int: String]) {
        bytes = nil
        pieces = recordedPieces
    }

    /// Nil when the id has no known text, e.g. a replayed guess that was never committed.
    func knownText(_ id: Int) -> TokenText? {
        if let bytes { return TokenText(bytes: bytes(id)) }
        return pieces[id].map(TokenText.text)
    }

    /// A token without known text shows its id, as RecordedPieces does.
    func text(_ id: Int) -> TokenText { knownText(id) ?? .text("⟨\(id)⟩") }
}
