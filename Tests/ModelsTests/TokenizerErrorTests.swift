import XCTest
@testable import Models

/// Bad tokenizer files give one clear, typed error that names the file and the problem.
final class TokenizerErrorTests: XCTestCase {
    private func loadingError(_ json: String, config: String? = nil) -> TokenizerError? {
        do {
            _ = try TokenizerFixture.inline(json, config: config)
            XCTFail("loaded without an error")
            return nil
        } catch {
            return error as? TokenizerError
        }
    }

    func testMalformedJSONNamesTheFileAndWhere() {
        let error = loadingError(#"{"model": {"type": "BPE",,}}"#)
        XCTAssertEqual(error, .malformedJSON(file: "tokenizer.json", byteOffset: 25, problem: "expected a quoted member name"))
        XCTAssertEqual(error?.description, "tokenizer.json: malformed JSON at byte 25: expected a quoted member name")
    }

    func testMissingModelIsNamed() {
        XCTAssertEqual(loadingError(#"{"version": "1.0", "added_tokens": []}"#)?.description,
                       #"tokenizer.json: missing "model""#)
    }

    func testMergeNamingAnUnknownTokenIsNamed() {
        let error = loadingError(TokenizerFixture.byteLevelJSON(extra: ["ab"], merges: #"["a b", "ab zz"]"#))
        XCTAssertEqual(error, .unknownMergeToken(file: "tokenizer.json", rank: 1, merge: "ab zz", token: "zz"))
        XCTAssertEqual(error?.description,
                       #"tokenizer.json: merge #1 "ab zz" names "zz", which is not in the vocabulary"#)
    }

    func testMergeWhoseResultIsNotInTheVocabularyIsNamed() {
        let error = loadingError(TokenizerFixture.byteLevelJSON(merges: #"[["a", "b"]]"#))
        XCTAssertEqual(error, .unknownMergeToken(file: "tokenizer.json", rank: 0, merge: "a b", token: "ab"))
    }

    func testMalformedMergeIsNamed() {
        XCTAssertEqual(loadingError(TokenizerFixture.byteLevelJSON(merges: #"["a b c"]"#))?.description,
                       #"tokenizer.json: "model.merges[0]" must be "left right" or ["left", "right"]"#)
    }

    func testUnknownComponentTypesAreNamed() {
        let metaspace = TokenizerFixture.byteLevelJSON(preTokenizer: #"{"type": "Metaspace", "replacement": "▁"}"#)
        XCTAssertEqual(loadingError(metaspace)?.description,
                       #"tokenizer.json: unsupported pre_tokenizer type "Metaspace" (supported: ByteLevel, Split, Digits, Sequence)"#)
        let wordPiece = TokenizerFixture.byteLevelJSON().replacingOccurrences(of: #""type": "BPE""#, with: #""type": "WordPiece""#)
        XCTAssertEqual(loadingError(wordPiece)?.description,
                       #"tokenizer.json: unsupported model type "WordPiece" (supported: BPE)"#)
        let lowercase = TokenizerFixture.byteLevelJSON().replacingOccurrences(
            of: #""normalizer": null"#, with: #""normalizer": {"type": "Lowercase"}"#)
        XCTAssertEqual(loadingError(lowercase)?.description,
                       #"tokenizer.json: unsupported normalizer type "Lowercase" (supported: NFC, Sequence)"#)
        let wordPieceDecoder = TokenizerFixture.byteLevelJSON().replacingOccurrences(
            of: #""decoder": {"type": "ByteLevel"}"#, with: #""decoder": {"type": "WordPiece"}"#)
        XCTAssertEqual(loadingError(wordPieceDecoder)?.description,
                       #"tokenizer.json: unsupported decoder type "WordPiece" (supported: ByteLevel)"#)
    }

    func testPreTokenizerWithoutByteLevelIsRejected() {
        let digitsOnly = TokenizerFixture.byteLevelJSON(preTokenizer: #"{"type": "Digits", "individual_digits": true}"#)
        XCTAssertEqual(loadingError(digitsOnly)?.description,
                       #"tokenizer.json: "pre_tokenizer" has no ByteLevel step; only byte-level BPE vocabularies are supported"#)
    }

    func testUnusableSplitPatternIsNamed() {
        let split = #"{"type": "Sequence", "pretokenizers": [{"type": "Split", "pattern": {"Regex": "(?<=a)b"}, "behavior": "Isolated", "invert": false}, {"type": "ByteLevel", "use_regex": false}]}"#
        XCTAssertEqual(loadingError(TokenizerFixture.byteLevelJSON(preTokenizer: split))?.description,
                       #"tokenizer.json: cannot use split pattern "(?<=a)b": lookbehind is not supported at character 3"#)
    }

    func testConfigNamingAnUndefinedTokenIsAnError() {
        XCTAssertEqual(loadingError(TokenizerFixture.byteLevelJSON(), config: #"{"eos_token": "</s>"}"#)?.description,
                       #"tokenizer_config.json: "eos_token" names "</s>", which tokenizer.json does not define"#)
    }

    func testMissingFolderNamesTheFileItLookedFor() {
        XCTAssertThrowsError(try BPETokenizer(folder: URL(fileURLWithPath: "/no/such/model"))) { error in
            XCTAssertEqual("\(error)", "/no/such/model/tokenizer.json: cannot read the file (no such file)")
        }
    }

    func testJSONStringsDecodeEscapesAndSurrogatePairs() throws {
        let value = try JSONValue.parse(Array(#"{"k": ["\u00e9\ud83d\ude00\n\"\\\/", 1.5e2, -3, true, null]}"#.utf8), file: "f")
        XCTAssertEqual(value["k"]?.array?.first?.string, "é😀\n\"\\/")
        XCTAssertEqual(value["k"]?.array?[1].integer, 150)
        XCTAssertEqual(value["k"]?.array?[2].integer, -3)
    }

    func testJSONRejectsLoneSurrogatesInvalidUTF8AndTrailingText() {
        let cases: [([UInt8], String)] = [
            (Array(#"["\ud83d"]"#.utf8), "unpaired surrogate"),
            ([0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D], "string is not valid UTF-8"),
            (Array("[1] 2".utf8), "unexpected text after the document"),
            (Array(String(repeating: "[", count: 300).utf8), "nesting deeper than 256 levels"),
        ]
        for (bytes, problem) in cases {
            XCTAssertThrowsError(try JSONValue.parse(bytes, file: "f")) { error in
                XCTAssertTrue("\(error)".contains(problem), "\(error)")
            }
        }
    }
}
