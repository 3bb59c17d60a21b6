import XCTest
@testable import Models

/// Byte-level tokens can split a character; the canvas must still show valid text for every token.
final class TokenizerUTF8AssemblerTests: XCTestCase {
    private let placeholder = String(UTF8Assembler.placeholder)

    func testCharacterSplitAcrossTokensWaitsForItsLastByte() {
        var assembler = UTF8Assembler()
        XCTAssertEqual(assembler.append([0xE4]), "")
        XCTAssertTrue(assembler.hasPendingFragment)
        XCTAssertEqual(assembler.append([0xBD]), "")
        XCTAssertEqual(assembler.append([0xA0, 0x41]), "你A")
        XCTAssertFalse(assembler.hasPendingFragment)
        XCTAssertEqual(assembler.finish(), "")
    }

    func testUnfinishedCharacterAtTheEndBecomesOnePlaceholder() {
        var assembler = UTF8Assembler()
        XCTAssertEqual(assembler.append([0x61, 0xF0, 0x9F, 0x98]), "a")
        XCTAssertEqual(assembler.finish(), placeholder)
        XCTAssertFalse(assembler.hasPendingFragment)
    }

    func testBytesThatCannotFormACharacterBecomePlaceholdersAtOnce() {
        var assembler = UTF8Assembler()
        XCTAssertEqual(assembler.append([0x80]), placeholder)
        XCTAssertEqual(assembler.append([0xE4, 0x41]), placeholder + "A")
        XCTAssertEqual(assembler.append([0xED, 0xA0, 0x80]), String(repeating: placeholder, count: 3))
        XCTAssertEqual(assembler.append([0xC0, 0xFF]), placeholder + placeholder)
    }

    func testCellTextsGiveAPlaceholderToTokensThatCompleteNoCharacter() {
        XCTAssertEqual(UTF8Assembler.cellTexts([[0x48, 0x69], [0xE4, 0xBD], [0xA0], [], [0x21]]),
                       ["Hi", placeholder, "你", "", "!"])
    }

    func testStreamingAgreesWithLossyDecodingOfTheWhole() {
        var generator = SplitMix64(seed: 7)
        let alphabet: [UInt8] = [0x41, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xA0, 0xED, 0x9F, 0xEF, 0xF0, 0x90, 0xF4, 0x8F, 0xF5, 0xFF]
        for _ in 0..<500 {
            let bytes = (0..<Int(generator.next() % 24)).map { _ in alphabet[Int(generator.next() % 16)] }
            var assembler = UTF8Assembler()
            var text = ""
            var start = 0
            while start < bytes.count {
                let end = min(bytes.count, start + 1 + Int(generator.next() % 4))
                text += assembler.append(Array(bytes[start..<end]))
                start = end
            }
            text += assembler.finish()
            XCTAssertEqual(text, String(decoding: bytes, as: UTF8.self), "\(bytes)")
        }
    }

    func testTokenBytesAssembleToTheDecodedText() throws {
        let tokenizer = try TokenizerFixture.tokenizer("llama3-split")
        for sample in try TokenizerFixture.expected("llama3-split").cases {
            var assembler = UTF8Assembler()
            let text = sample.ids.map { assembler.append(tokenizer.bytes(of: $0)) }.joined() + assembler.finish()
            XCTAssertEqual(text, sample.decodedWithSpecials)
        }
    }
}

/// A small seeded generator so the random cases are the same on every run.
private struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
