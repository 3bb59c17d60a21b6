/// A byte-level BPE tokenizer from a GGUF file's `tokenizer.ggml.*` metadata (model "gpt2"):
/// tokens, merges, token types and special ids. The metadata is restated as the tokenizer.json
/// description it was converted from, so the same BPE, pre-tokenizer and added-token code runs.
extension BPETokenizer {
    public init(gguf file: GGUFFile) throws {
        let metadata = GGUFTokenizerMetadata(file: file)
        let model = try metadata.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw TokenizerError.unsupported(file: file.path, component: "tokenizer.ggml.model", type: model,
                                             supported: ["gpt2"])
        }
        let preName = file.metadata["tokenizer.ggml.pre"]?.string ?? "default"
        guard let pre = GGUFPreTokenizer(name: preName) else {
            throw TokenizerError.unsupported(file: file.path, component: "tokenizer.ggml.pre", type: preName,
                                             supported: GGUFPreTokenizer.supportedNames)
        }
        let tokens = try metadata.strings("tokenizer.ggml.tokens")
        let types = try metadata.optionalIntegers("tokenizer.ggml.token_type") ?? []
        guard types.isEmpty || types.count == tokens.count else {
            throw TokenizerError.invalidField(file: file.path, field: "tokenizer.ggml.token_type",
                                              problem: "has \(types.count) entries for \(tokens.count) tokens")
        }

        var vocabulary: [(key: String, value: JSONValue)] = []
        var added: [JSONValue] = []
        for (id, token) in tokens.enumerated() {
            switch GGUFTokenType(rawValue: types.isEmpty ? 1 : types[id]) {
            case .control, .userDefined:
                let special = types[id] == GGUFTokenType.control.rawValue
                added.append(.object([("id", .number(Double(id))), ("content", .string(token)),
                                      ("special", .bool(special)), ("normalized", .bool(false))]))
            case .unused:
                continue  // padding rows of the embedding: no text
            default:
                vocabulary.append((token, .number(Double(id))))
            }
        }
        var modelJSON: [(key: String, value: JSONValue)] = [
            ("type", .string("BPE")), ("vocab", .object(vocabulary)),
            ("merges", .array(try metadata.optionalStrings("tokenizer.ggml.merges").map { $0.map(JSONValue.string) } ?? [])),
            ("ignore_merges", .bool(pre.ignoresMerges)),
        ]
        if let unknown = try metadata.tokenText("tokenizer.ggml.unknown_token_id", tokens) {
            modelJSON.append(("unk_token", .string(unknown)))
        }
        let json = JSONValue.object([
            ("model", .object(modelJSON)), ("pre_tokenizer", pre.json),
            ("decoder", .object([("type", .string("ByteLevel"))])), ("added_tokens", .array(added)),
        ])

        var config = TokenizerConfig()
        config.bosToken = try metadata.tokenText("tokenizer.ggml.bos_token_id", tokens)
        config.eosToken = try metadata.tokenText("tokenizer.ggml.eos_token_id", tokens)
        config.padToken = try metadata.tokenText("tokenizer.ggml.padding_token_id", tokens)
        config.maskToken = try metadata.tokenText("tokenizer.ggml.mask_token_id", tokens)
        config.addsBOS = file.metadata["tokenizer.ggml.add_bos_token"]?.bool ?? pre.addsBOSByDefault
        config.chatTemplate = file.metadata["tokenizer.chat_template"]?.string
        try self.init(json: json, file: file.path, config: config, configFile: file.path)
    }
}

/// llama.cpp's token types (llama_token_type).
private enum GGUFTokenType: Int {
    case normal = 1, unknown, control, userDefined, unused, byte
}

/// Typed reads of tokenizer keys, failing with the key at fault.
private struct GGUFTokenizerMetadata {
    let file: GGUFFile

    func string(_ key: String) throws -> String {
        guard let value = file.metadata[key] else { throw TokenizerError.missingField(file: file.path, field: key) }
        guard let text = value.string else { throw wrongType(key, value, "a string") }
        return text
    }

    func strings(_ key: String) throws -> [String] {
        guard let list = try optionalStrings(key) else { throw TokenizerError.missingField(file: file.path, field: key) }
        return list
    }

    func optionalStrings(_ key: String) throws -> [String]? {
        guard let value = file.metadata[key] else { return nil }
        guard let list = value.array?.compactMap(\.string), list.count == value.array?.count else {
            throw wrongType(key, value, "an array of strings")
        }
        return list
    }

    func optionalIntegers(_ key: String) throws -> [Int]? {
        guard let value = file.metadata[key] else { return nil }
        guard let list = value.array?.compactMap(\.integer), list.count == value.array?.count else {
            throw wrongType(key, value, "an array of integers")
        }
        return list
    }

    /// The text of the token whose id `key` holds, if the key is present.
    func tokenText(_ key: String, _ tokens: [String]) throws -> String? {
        guard let value = file.metadata[key] else { return nil }
        guard let id = value.integer, tokens.indices.contains(id) else {
            throw TokenizerError.invalidField(file: file.path, field: key,
                                              problem: "must be a token id from 0 to \(tokens.count - 1), found \(value)")
        }
        return tokens[id]
    }

    private func wrongType(_ key: String, _ value: GGUFValue, _ expected: String) -> TokenizerError {
        .invalidField(file: file.path, field: key, problem: "is \(value.typeName), expected \(expected)")
    }
}

/// The pre-tokenizers `tokenizer.ggml.pre` names (llama-vocab.cpp), as the tokenizer.json
/// pre_tokenizer each stands for.
private struct GGUFPreTokenizer {
    let json: JSONValue
    let ignoresMerges: Bool
    let addsBOSByDefault: Bool

    private static let gpt2 = ["gpt-2", "phi-2", "mpt", "olmo", "jais"]
    private static let digitsThenGPT2 = ["starcoder", "refact", "command-r", "smollm", "codeshell", "exaone"]
    private static let llama3 = ["llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral"]
    private static let llama3Split = ["dbrx", "smaug-bpe"]
    private static let qwen2 = ["qwen2", "deepseek-r1-qwen", "stablelm2"]
    static let supportedNames = gpt2 + digitsThenGPT2 + llama3 + llama3Split + qwen2

    private static let llama3Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    private static let qwen2Pattern =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    init?(name: String) {
        func byteLevel(regex: Bool) -> JSONValue {
            .object([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)), ("use_regex", .bool(regex))])
        }
        func sequence(_ steps: [JSONValue]) -> JSONValue {
            .object([("type", .string("Sequence")), ("pretokenizers", .array(steps))])
        }
        func split(_ pattern: String) -> JSONValue {
            .object([("type", .string("Split")), ("pattern", .object([("Regex", .string(pattern))])),
                     ("behavior", .string("Isolated")), ("invert", .bool(false))])
        }
        ignoresMerges = Self.llama3.contains(name)
        addsBOSByDefault = Self.llama3.contains(name)
        if Self.gpt2.contains(name) {
            json = byteLevel(regex: true)
        } else if Self.digitsThenGPT2.contains(name) {
            json = sequence([.object([("type", .string("Digits")), ("individual_digits", .bool(true))]),
                             byteLevel(regex: true)])
        } else if Self.llama3.contains(name) || Self.llama3Split.contains(name) {
            json = sequence([split(Self.llama3Pattern), byteLevel(regex: false)])
        } else if Self.qwen2.contains(name) {
            json = sequence([split(Self.qwen2Pattern), byteLevel(regex: false)])
        } else {
            return nil
        }
    }
}
