import XCTest
@testable import Models

/// The acceptance test of the tokenizer: the same ids and text as Hugging Face `tokenizers` on every
/// generated fixture, over a corpus of CJK, emoji, combining marks, whitespace runs, newlines, digits
/// and inline special tokens.
final class TokenizerParityTests: XCTestCase {
    func testEncodeMatchesHuggingFaceTokenizers() throws {
        for name in TokenizerFixture.all {
            let tokenizer = try TokenizerFixture.tokenizer(name)
            for sample in try TokenizerFixture.expected(name).cases {
                XCTAssertEqual(try tokenizer.encode(sample.text), sample.ids, "\(name): \(sample.text.debugDescription)")
            }
        }
    }

    func testDecodeMatchesHuggingFaceTokenizers() throws {
        for name in TokenizerFixture.all {
            let tokenizer = try TokenizerFixture.tokenizer(name)
            for sample in try TokenizerFixture.expected(name).cases {
                XCTAssertEqual(tokenizer.decode(sample.ids), sample.decoded, "\(name): \(sample.text.debugDescription)")
                XCTAssertEqual(tokenizer.decode(sample.ids, skipSpecial: false), sample.decodedWithSpecials,
                               "\(name): \(sample.text.debugDescription)")
            }
        }
    }

    func testDecodeOfEncodeGivesTheTextBack() throws {
        for name in TokenizerFixture.all where try TokenizerFixture.expected(name).roundTrip {
            let tokenizer = try TokenizerFixture.tokenizer(name)
            for sample in try TokenizerFixture.expected(name).cases {
                XCTAssertEqual(tokenizer.decode(try tokenizer.encode(sample.text), skipSpecial: false), sample.text,
                               "\(name): \(sample.text.debugDescription)")
            }
        }
    }

    func testVocabularySizeCountsAddedTokens() throws {
        for name in TokenizerFixture.all {
            XCTAssertEqual(try TokenizerFixture.tokenizer(name).vocabularySize,
                           try TokenizerFixture.expected(name).vocabularySize, name)
        }
    }
}
