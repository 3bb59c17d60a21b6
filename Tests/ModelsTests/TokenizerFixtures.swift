import Foundation
import XCTest
@testable import Models

/// The tokenizer folders that tools/make_tokenizer_fixtures.py wrote with Hugging Face `tokenizers`,
/// and what that library encoded for each corpus text.
enum TokenizerFixture {
    static let all = ["gpt2-bytelevel", "llama3-split", "digits-bytelevel",
                      "prefix-space-nfc", "split-behaviours", "gpt2-regex-split"]

    struct Expected: Decodable {
        struct Case: Decodable {
            let text: String
            let ids: [Int]
            let decoded: String
            let decodedWithSpecials: String
        }

        let roundTrip: Bool
        let vocabularySize: Int
        let cases: [Case]
    }

    static func folder(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/tokenizers/\(name)")
    }

    static func tokenizer(_ name: String) throws -> BPETokenizer {
        try BPETokenizer(folder: folder(name))
    }

    static func expected(_ name: String) throws -> Expected {
        let data = try Data(contentsOf: folder(name).appendingPathComponent("expected.json"))
        return try JSONDecoder().decode(Expected.self, from: data)
    }

    /// A tokenizer from tokenizer.json text written in a test.
    static func inline(_ json: String, config: String? = nil) throws -> BPETokenizer {
        try BPETokenizer(tokenizerJSON: Array(json.utf8), configJSON: config.map { Array($0.utf8) })
    }

    /// A minimal byte-level tokenizer.json: the 256 byte tokens, then `extra` tokens with the next ids.
    static func byteLevelJSON(extra: [String] = [], merges: String = "[]", preTokenizer: String? = nil,
                              addedTokens: String = "[]", modelOptions: String = "") -> String {
        var vocabulary = ByteLevel.characterOfByte.enumerated().map { "\(quoted(String($0.element))): \($0.offset)" }
        vocabulary += extra.enumerated().map { "\(quoted($0.element)): \(256 + $0.offset)" }
        let pre = preTokenizer ?? #"{"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}"#
        return """
        {"version": "1.0", "added_tokens": \(addedTokens), "normalizer": null, "pre_tokenizer": \(pre),
         "post_processor": null, "decoder": {"type": "ByteLevel"},
         "model": {"type": "BPE", \(modelOptions) "vocab": {\(vocabulary.joined(separator: ", "))}, "merges": \(merges)}}
        """
    }

    static func quoted(_ text: String) -> String {
        String(decoding: try! JSONEncoder().encode(text), as: UTF8.self)
    }
}
