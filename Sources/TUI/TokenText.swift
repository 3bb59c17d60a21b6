/// The text of one token as the canvas shows it.
///
/// A byte-level BPE token can be a fragment of a multi-byte UTF-8 character; such a token is kept
/// as its bytes and drawn as a placeholder, never decoded into something that could garble the row.
public enum TokenText: Hashable, Sendable {
    case text(String)
    case partialUTF8([UInt8])

    /// Decodes bytes strictly: valid UTF-8 becomes text, anything else stays a fragment.
    public init(bytes: [UInt8]) {
        if let text = String(validating: bytes, as: UTF8.self) {
            self = .text(text)
        } else {
            self = .partialUTF8(bytes)
        }
    }

    /// Drawn in place of a fragment's bytes (one cell per token).
    public static let placeholder: Character = "\u{FFFD}"
}
