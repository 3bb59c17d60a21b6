import Foundation

/// A Hugging Face byte-level BPE tokenizer, read from a model folder's tokenizer.json (and
/// tokenizer_config.json when present): prompt text to the ids the model was trained on, and every
/// id back to its bytes for the canvas.
///
/// `encode` gives the ids `tokenizers` gives for `encode(text, add_special_tokens=False)`; the
/// post-processor is not applied, BOS comes from the chat template or `add_bos_token`.
public struct BPETokenizer: Sendable {
    /// One more than the highest id the tokenizer knows; a model may have more embedding rows.
    public let vocabularySize: Int
    public let specialTokens: SpecialTokens
    /// Whether a plain prompt starts with BOS (tokenizer_config.json's `add_bos_token`).
    public let addsBOS: Bool

    private let model: BPEModel
    private let normalizer: Normalizer
    private let preTokenizer: PreTokenizer
    /// Added tokens matched in the raw text, then those matched in normalized text.
    private let rawAddedTokens: AddedTokenMatcher
    private let normalizedAddedTokens: AddedTokenMatcher
    private let idOfAddedToken: [String: Int]
    private let tokenBytes: [[UInt8]]
    private let specialIDs: Set<Int>
    private let chatTemplateResult: Result<ChatTemplate, TokenizerError>

    /// Loads `folder`/tokenizer.json and, if present, `folder`/tokenizer_config.json. A path to a
    /// tokenizer.json file works too.
    public init(folder: URL) throws {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder)
        let directory = exists && !isFolder.boolValue ? folder.deletingLastPathComponent() : folder
        let tokenizerURL = exists && !isFolder.boolValue ? folder : folder.appendingPathComponent("tokenizer.json")
        let configURL = directory.appendingPathComponent("tokenizer_config.json")
        let config = FileManager.default.fileExists(atPath: configURL.path) ? try Self.read(configURL) : nil
        try self.init(tokenizerJSON: try Self.read(tokenizerURL), tokenizerFile: tokenizerURL.path,
                      configJSON: config, configFile: configURL.path)
    }

    /// Builds a tokenizer from the files' contents; the names appear in error messages.
    public init(tokenizerJSON: [UInt8], tokenizerFile: String = "tokenizer.json",
                configJSON: [UInt8]? = nil, configFile: String = "tokenizer_config.json") throws {
        let config = try configJSON.map { try TokenizerConfig(bytes: $0, file: configFile) } ?? TokenizerConfig()
        try self.init(json: try JSONValue.parse(tokenizerJSON, file: tokenizerFile), file: tokenizerFile,
                      config: config, configFile: configFile)
    }

    /// Builds a tokenizer from a parsed tokenizer.json description and what tokenizer_config.json
    /// adds; other formats (GGUF metadata) describe themselves this way too.
    init(json: JSONValue, file: String, config: TokenizerConfig, configFile: String) throws {
        guard json.members != nil else {
            throw TokenizerError.invalidField(file: file, field: "(top level)", problem: "must be an object")
        }
        guard let modelJSON = json["model"], !modelJSON.isNull else {
            throw TokenizerError.missingField(file: file, field: "model")
        }
        model = try BPEModel(json: modelJSON, file: file)
        normalizer = try Normalizer(json: json["normalizer"], file: file)
        preTokenizer = try PreTokenizer(json: json["pre_tokenizer"], file: file)
        try Self.checkDecoder(json["decoder"], file: file)

        let added = try AddedToken.list(from: json["added_tokens"], file: file)
        // Checked before the id → bytes table is sized by the largest id.
        let bound = BPEModel.idBound(entries: model.tokenBytes.count + added.count)
        if let index = added.firstIndex(where: { $0.id >= bound }) {
            throw TokenizerError.invalidField(file: file, field: "added_tokens[\(index)].id", problem:
                "\(added[index].id) must be below \(bound) (the vocabulary has \(model.tokenBytes.count) ids and \(added.count) added tokens)")
        }
        rawAddedTokens = AddedTokenMatcher(tokens: added.filter { !$0.isNormalized }, normalizer: .none)
        normalizedAddedTokens = AddedTokenMatcher(tokens: added.filter(\.isNormalized), normalizer: normalizer)
        idOfAddedToken = Dictionary(added.map { ($0.content, $0.id) }, uniquingKeysWith: { first, _ in first })
        specialIDs = Set(added.filter(\.isSpecial).map(\.id))

        vocabularySize = max(model.tokenBytes.count, (added.map(\.id).max() ?? -1) + 1)
        var bytes = model.tokenBytes.map { $0 ?? [] }
        bytes += Array(repeating: [], count: vocabularySize - bytes.count)
        // An added token stands for its text; `tokenizers` would run Latin-1 letters in it through
        // the byte-level table and decode broken text.
        for token in added { bytes[token.id] = Array(token.content.utf8) }
        tokenBytes = bytes

        addsBOS = config.addsBOS
        chatTemplateResult = Result { () throws(TokenizerError) in
            try ChatTemplate(template: config.chatTemplate, bosToken: config.bosToken, file: configFile)
        }
        specialTokens = try Self.specialTokens(config: config, configFile: configFile, tokenizerFile: file) {
            [idOfAddedToken, model] content in idOfAddedToken[content] ?? model.id(ofToken: content)
        }
    }

    /// Tokens tokenizer_config.json names must exist; unnamed ones fall back to conventional contents.
    private static func specialTokens(config: TokenizerConfig, configFile: String, tokenizerFile: String,
                                      id: (String) -> Int?) throws -> SpecialTokens {
        func resolve(_ named: String?, _ field: String, conventional: [String]) throws -> Int? {
            guard let named else { return conventional.lazy.compactMap(id).first }
            guard let found = id(named) else {
                throw TokenizerError.invalidField(file: configFile, field: field,
                                                  problem: "names \(named.debugDescription), which \(tokenizerFile) does not define")
            }
            return found
        }
        return SpecialTokens(
            bos: try resolve(config.bosToken, "bos_token", conventional: SpecialTokens.conventionalBOS),
            eos: try resolve(config.eosToken, "eos_token", conventional: SpecialTokens.conventionalEOS),
            pad: try resolve(config.padToken, "pad_token", conventional: []),
            mask: try resolve(config.maskToken, "mask_token", conventional: SpecialTokens.conventionalMask),
            endOfTurn: SpecialTokens.conventionalEndOfTurn.lazy.compactMap(id).first)
    }

    private static func read(_ url: URL) throws -> [UInt8] {
        do {
            return Array(try Data(contentsOf: url))
        } catch {
            let reason = FileManager.default.fileExists(atPath: url.path) ? error.localizedDescription : "no such file"
            throw TokenizerError.unreadableFile(file: url.path, reason: reason)
        }
    }

    /// Bytes come back through the byte-level table whatever the file says; anything but a
    /// ByteLevel decoder would mean the file expects different text.
    private static func checkDecoder(_ json: JSONValue?, file: String) throws {
        guard let json, !json.isNull else { return }
        let type = json["type"]?.string ?? "(none)"
        if type == "ByteLevel" { return }
        if type == "Sequence", let members = json["decoders"]?.array {
            for member in members { try checkDecoder(member, file: file) }
            return
        }
        throw TokenizerError.unsupported(file: file, component: "decoder", type: type, supported: ["ByteLevel"])
    }

    // MARK: - Encoding

    /// The ids of `text`; added tokens (specials included) are matched before BPE.
    /// Throws when a split pattern of the file needs more steps than its budget on `text`.
    public func encode(_ text: String) throws -> [Int] {
        let scalars = Array(text.unicodeScalars)
        var ids: [Int] = []
        var wordIDs: [[UInt8]: [Int]] = [:]
        for segment in rawAddedTokens.segments(of: scalars) {
            switch segment {
            case .token(let id):
                ids.append(id)
            case .text(let raw):
                let normalized = normalizer.normalize(Array(scalars[raw]))
                for part in normalizedAddedTokens.segments(of: normalized) {
                    switch part {
                    case .token(let id):
                        ids.append(id)
                    case .text(let range):
                        for word in try preTokenizer.words(Array(normalized[range])) {
                            if let known = wordIDs[word] {
                                ids += known
                                continue
                            }
                            let start = ids.count
                            model.encode(word: word, into: &ids)
                            wordIDs[word] = Array(ids[start...])
                        }
                    }
                }
            }
        }
        return ids
    }

    /// The chat template family named by tokenizer_config.json; plain when it has none.
    public func chatTemplate() throws -> ChatTemplate {
        try chatTemplateResult.get()
    }

    /// The ids to give the model for one user prompt: through the chat template when `chat` is set
    /// and the tokenizer has one; otherwise the text, after BOS if `add_bos_token` asks for it.
    public func promptIDs(for text: String, chat: Bool) throws -> [Int] {
        if chat {
            let template = try chatTemplate()
            if template != .plain { return try encode(template.render([.user(text)])) }
        }
        let bos = addsBOS ? specialTokens.bos.map { [$0] } ?? [] : []
        return bos + (try encode(text))
    }

    // MARK: - Decoding

    /// The bytes an id stands for: part of a character, possibly; added tokens give their text.
    /// Ids the tokenizer does not know give no bytes.
    public func bytes(of id: Int) -> [UInt8] {
        tokenBytes.indices.contains(id) ? tokenBytes[id] : []
    }

    public func isSpecial(_ id: Int) -> Bool {
        specialIDs.contains(id)
    }

    /// The id of a token given as its text (an added token's content, or a vocabulary entry).
    public func id(ofToken content: String) -> Int? {
        idOfAddedToken[content] ?? model.id(ofToken: content)
    }

    /// The text of `ids`; bytes that do not form whole characters become U+FFFD.
    public func decode(_ ids: [Int], skipSpecial: Bool = true) -> String {
        var bytes: [UInt8] = []
        for id in ids where !(skipSpecial && isSpecial(id)) {
            bytes += self.bytes(of: id)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
