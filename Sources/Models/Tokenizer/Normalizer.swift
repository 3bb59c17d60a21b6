import Foundation

/// The text normalization tokenizer.json's `normalizer` asks for before pre-tokenization. Byte-level
/// vocabularies use none or NFC; others (lowercasing, replacements) would change what a prompt means.
enum Normalizer: Sendable {
    case none
    case nfc

    static let supportedTypes = ["NFC", "Sequence"]

    init(json: JSONValue?, file: String, field: String = "normalizer") throws {
        guard let json, !json.isNull else {
            self = .none
            return
        }
        guard let type = json["type"]?.string else {
            throw TokenizerError.missingField(file: file, field: "\(field).type")
        }
        switch type {
        case "NFC":
            self = .nfc
        case "Sequence":
            guard let members = json["normalizers"]?.array else {
                throw TokenizerError.missingField(file: file, field: "\(field).normalizers")
            }
            let steps = try members.enumerated().map {
                try Normalizer(json: $0.element, file: file, field: "\(field).normalizers[\($0.offset)]")
            }
            self = steps.contains(.nfc) ? .nfc : .none
        default:
            throw TokenizerError.unsupported(file: file, component: field, type: type, supported: Self.supportedTypes)
        }
    }

    func normalize(_ text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        switch self {
        case .none:
            return text
        case .nfc:
            // Pure ASCII is already in NFC; most prompts skip Foundation entirely.
            if text.allSatisfy(\.isASCII) { return text }
            var string = ""
            string.unicodeScalars.append(contentsOf: text)
            return Array(string.precomposedStringWithCanonicalMapping.unicodeScalars)
        }
    }
}
