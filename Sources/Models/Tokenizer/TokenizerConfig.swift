/// What tokenizer_config.json adds to tokenizer.json: which tokens play BOS, EOS, pad and mask,
/// whether a plain prompt starts with BOS, and the chat template. Every key is optional.
struct TokenizerConfig {
    var bosToken: String?
    var eosToken: String?
    var padToken: String?
    var maskToken: String?
    var addsBOS = false
    var chatTemplate: String?

    init() {}

    init(bytes: [UInt8], file: String) throws {
        let json = try JSONValue.parse(bytes, file: file)
        guard json.members != nil else {
            throw TokenizerError.invalidField(file: file, field: "(top level)", problem: "must be an object")
        }
        bosToken = try Self.tokenContent(json, "bos_token", file: file)
        eosToken = try Self.tokenContent(json, "eos_token", file: file)
        padToken = try Self.tokenContent(json, "pad_token", file: file)
        maskToken = try Self.tokenContent(json, "mask_token", file: file)
        addsBOS = json["add_bos_token"]?.bool ?? false
        chatTemplate = try Self.chatTemplate(json["chat_template"], file: file)
    }

    /// A token is written as its text or, in older files, as {"content": text, …}.
    private static func tokenContent(_ json: JSONValue, _ key: String, file: String) throws -> String? {
        guard let value = json[key], !value.isNull else { return nil }
        if let text = value.string ?? value["content"]?.string { return text }
        throw TokenizerError.invalidField(file: file, field: key, problem: "must be a string or {\"content\": …}")
    }

    /// One template, or a list of named ones of which "default" is the chat template.
    private static func chatTemplate(_ value: JSONValue?, file: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        if let text = value.string { return text }
        if let named = value.array {
            let chosen = named.first { $0["name"]?.string == "default" } ?? named.first
            if let text = chosen?["template"]?.string { return text }
        }
        throw TokenizerError.invalidField(file: file, field: "chat_template",
                                          problem: "must be a string or a list of {\"name\", \"template\"}")
    }
}
