import XCTest
@testable import Models

/// How text becomes ids and ids become bytes, on small tokenizers written out in each test.
final class TokenizerEncodingTests: XCTestCase {
    /// Ids of the byte tokens in `TokenizerFixture.byteLevelJSON` are the bytes themselves.
    private func byte(_ character: Character) -> Int { Int(character.asciiValue!) }

    private func special(_ content: String, id: Int, special: Bool = true, normalized: Bool = false) -> String {
        """
        {"id": \(id), "content": \(TokenizerFixture.quoted(content)), "single_word": false, "lstrip": false,
         "rstrip": false, "normalized": \(normalized), "special": \(special)}
        """
    }

    func testAddedTokensMatchBeforeBPE() throws {
        let tokenizer = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: ["ab"], merges: #"["a b"]"#, addedTokens: "[\(special("b<|x|>a", id: 300))]"))
        XCTAssertEqual(try tokenizer.encode("ab<|x|>ab"), [byte("a"), 300, byte("b")])
        XCTAssertEqual(try tokenizer.encode("b<|x|"), [byte("b"), byte("<"), byte("|"), byte("x"), byte("|")])
    }

    func testLeftmostAddedTokenWinsThenTheLongestThere() throws {
        let added = [special("bcd", id: 300), special("ab", id: 301), special("abc", id: 302)]
        let tokenizer = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            addedTokens: "[\(added.joined(separator: ","))]"))
        XCTAssertEqual(try tokenizer.encode("abcd"), [302, byte("d")])
        XCTAssertEqual(try tokenizer.encode("xbcd"), [byte("x"), 300])
    }

    func testMergesApplyLowestRankFirst() throws {
        let bcFirst = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: ["ab", "bc"], merges: #"["b c", "a b"]"#))
        XCTAssertEqual(try bcFirst.encode("abc"), [byte("a"), 257])
        let abFirst = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: ["ab", "bc"], merges: #"["a b", "b c"]"#))
        XCTAssertEqual(try abFirst.encode("abc"), [256, byte("c")])
    }

    func testEqualRanksMergeLeftmostFirst() throws {
        let tokenizer = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(extra: ["aa"], merges: #"["a a"]"#))
        XCTAssertEqual(try tokenizer.encode("aaa"), [256, byte("a")])
        XCTAssertEqual(try tokenizer.encode("aaaa"), [256, 256])
    }

    func testMergesWrittenAsStringsOrPairsAreTheSame() throws {
        let strings = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: ["Ġt", "he", "Ġthe"], merges: #"["Ġ t", "h e", "Ġt he"]"#))
        let pairs = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: ["Ġt", "he", "Ġthe"], merges: #"[["Ġ", "t"], ["h", "e"], ["Ġt", "he"]]"#))
        XCTAssertEqual(try strings.encode("a the"), [byte("a"), 258])
        XCTAssertEqual(try pairs.encode("a the"), try strings.encode("a the"))
    }

    func testIgnoreMergesTakesAWordThatIsATokenWhole() throws {
        let vocabulary = ["ab", "abc"]
        let merging = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(extra: vocabulary, merges: #"["a b"]"#))
        XCTAssertEqual(try merging.encode("abc"), [256, byte("c")])
        let ignoring = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: vocabulary, merges: #"["a b"]"#, modelOptions: #""ignore_merges": true,"#))
        XCTAssertEqual(try ignoring.encode("abc"), [257])
    }

    func testBytesMissingFromTheVocabularyAreDroppedWithoutUnknownToken() throws {
        let json = TokenizerFixture.byteLevelJSON().replacingOccurrences(of: #""x": 120, "#, with: "")
        XCTAssertEqual(try TokenizerFixture.inline(json).encode("axb"), [byte("a"), byte("b")])
    }

    func testDigitsThenByteLevelSplitsEveryDigit() throws {
        let tokenizer = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(
            extra: ["12"], merges: #"["1 2"]"#,
            preTokenizer: #"{"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true}, {"type": "ByteLevel", "add_prefix_space": false}]}"#))
        XCTAssertEqual(try tokenizer.encode("x12"), [byte("x"), byte("1"), byte("2")])
    }

    func testBytesOfEveryIdAndOfSpecialsTheirText() throws {
        let tokenizer = try TokenizerFixture.tokenizer("llama3-split")
        let space = try XCTUnwrap(tokenizer.id(ofToken: "Ġ"))
        XCTAssertEqual(tokenizer.bytes(of: space), [0x20])
        XCTAssertEqual(tokenizer.bytes(of: try XCTUnwrap(tokenizer.specialTokens.mask)), Array("<|mdm_mask|>".utf8))
        XCTAssertEqual(tokenizer.bytes(of: tokenizer.vocabularySize), [])
        XCTAssertEqual(tokenizer.bytes(of: -1), [])
        for id in 0..<tokenizer.vocabularySize {
            XCTAssertFalse(tokenizer.bytes(of: id).isEmpty, "id \(id)")
        }
    }

    func testDecodeSkipsSpecialTokensUnlessAskedNotTo() throws {
        let tokenizer = try TokenizerFixture.tokenizer("llama3-split")
        let ids = try tokenizer.encode("<|startoftext|>Hi<|mdm_mask|>!")
        XCTAssertEqual(tokenizer.decode(ids), "Hi!")
        XCTAssertEqual(tokenizer.decode(ids, skipSpecial: false), "<|startoftext|>Hi<|mdm_mask|>!")
        XCTAssertTrue(tokenizer.isSpecial(ids[0]))
        XCTAssertFalse(tokenizer.isSpecial(ids[1]))
    }

    func testSpecialIdsComeFromTheConfigAndConventionalNames() throws {
        let tokenizer = try TokenizerFixture.tokenizer("llama3-split")
        let id = { (content: String) in tokenizer.id(ofToken: content) }
        XCTAssertEqual(tokenizer.specialTokens, SpecialTokens(
            bos: id("<|startoftext|>"), eos: id("<|endoftext|>"), pad: id("<|endoftext|>"),
            mask: id("<|mdm_mask|>"), endOfTurn: id("<|eot_id|>")))
        XCTAssertNotNil(tokenizer.specialTokens.mask)
        XCTAssertFalse(tokenizer.addsBOS)
    }
}
