import ArgumentParser
import Foundation
import Models

struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print the token ids a model's tokenizer gives a text.",
        discussion: """
        Prints the ids as one JSON array line: exactly what the decoder would feed the model as the \
        prompt. Special tokens written in TEXT (such as <|eot_id|>) are matched as such.
        """
    )

    @Option(help: "A bundled model name (\(ModelLocation.bundledNames.joined(separator: ", "))), a model folder holding tokenizer.json (and tokenizer_config.json when it has one), or a .gguf file.")
    var model = ModelLocation.defaultName

    @Flag(inversion: .prefixedNo, help: "Render TEXT as one user turn of the model's chat template first, as decode does (when the model has one).")
    var chat = true

    @Flag(help: "Print one token per line instead: its id, a tab, and its text quoted.")
    var pieces = false

    @Argument(help: "The text to tokenize.")
    var text: String

    func run() throws {
        let location = try ModelLocation(model)
        guard let tokenizer = try location.tokenizer() else {
            throw ModelError.missingFile(path: (location.path as NSString).appendingPathComponent("tokenizer.json"),
                                         hint: "this model folder has no tokenizer")
        }
        let ids = try tokenizer.promptIDs(for: text, chat: chat)
        if pieces {
            for id in ids { print("\(id)\t\(Self.quoted(tokenizer.bytes(of: id)))") }
        } else {
            print("[" + ids.map(String.init).joined(separator: ", ") + "]")
        }
    }

    /// A token's bytes as a quoted string that shows every byte: escapes for quotes, backslashes
    /// and control characters, and \xHH for bytes that are not a whole character.
    static func quoted(_ bytes: [UInt8]) -> String {
        var text = "\""
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                offset += encoded.count
                let scalar = Unicode.UTF8.decode(encoded)
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                default:
                    if scalar.properties.generalCategory == .control {
                        text += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
                    } else {
                        text.unicodeScalars.append(scalar)
                    }
                }
            case .error(let length):
                for byte in bytes[offset..<offset + length] {
                    text += "\\x" + String(byte, radix: 16, uppercase: true)
                }
                offset += length
            case .emptyInput:
                return text + "\""
            }
        }
    }
}
