/// How a conversation becomes prompt text. Known families are recognised from the template text of
/// tokenizer_config.json and rendered here; no Jinja is run.
public enum ChatTemplate: Equatable, Sendable {
    /// No template: the prompt is the text itself (base models).
    case plain
    /// LLaDA's and LLaMA-3's turns: `<|start_header_id|>role<|end_header_id|>\n\n` + content +
    /// `<|eot_id|>`, after the beginning-of-text token, ending with the assistant's header.
    case headerTurns(beginningOfText: String, trimsContent: Bool)

    /// Recognises the family of `template` (nil or empty means plain).
    init(template: String?, bosToken: String?, file: String) throws(TokenizerError) {
        guard let template, !template.isEmpty else {
            self = .plain
            return
        }
        let markers = ["<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
        let role = ["message['role']", "message[\"role\"]", "message.role"]
        let content = ["message['content']", "message[\"content\"]", "message.content"]
        // LLaMA-3.1 and later build system turns with dates and tools that this renderer does not write.
        let unrendered = ["tools", "date_string", "Cutting Knowledge", "image"]
        guard markers.allSatisfy(template.contains), role.contains(where: template.contains),
              content.contains(where: template.contains), !unrendered.contains(where: template.contains) else {
            throw TokenizerError.unknownChatTemplate(file: file)
        }
        let beginning = template.contains("bos_token") ? bosToken ?? "" : ""
        let trims = template.contains("| trim") || template.contains("|trim")
        self = .headerTurns(beginningOfText: beginning, trimsContent: trims)
    }

    /// The prompt text for `messages`, ready for the model to write the assistant's turn.
    public func render(_ messages: [ChatMessage]) -> String {
        switch self {
        case .plain:
            return messages.map(\.content).joined(separator: "\n\n")
        case .headerTurns(let beginning, let trims):
            var text = beginning
            for message in messages {
                let content = trims ? message.content.strippingJinjaWhitespace() : message.content
                text += "<|start_header_id|>\(message.role)<|end_header_id|>\n\n\(content)<|eot_id|>"
            }
            return text + "<|start_header_id|>assistant<|end_header_id|>\n\n"
        }
    }
}

public struct ChatMessage: Equatable, Sendable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
}

private extension String {
    /// Jinja's `trim` is Python's `str.strip()`: Unicode whitespace plus the separators U+001C–U+001F.
    func strippingJinjaWhitespace() -> String {
        func isSpace(_ scalar: Unicode.Scalar) -> Bool {
            scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
        }
        let scalars = Array(unicodeScalars)
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        var stripped = ""
        stripped.unicodeScalars.append(contentsOf: scalars[first...last])
        return stripped
    }
}
