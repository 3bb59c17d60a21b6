/// GPT-2's byte↔character table. Byte-level vocabularies spell every byte as a printable character
/// ("Ġ" is a space, "Ċ" a newline) so that each token is a plain string in tokenizer.json.
enum ByteLevel {
    /// The character that stands for each byte.
    static let characterOfByte: [Unicode.Scalar] = {
        // Printable Latin-1 bytes stand for themselves; the rest take U+0100 onwards, in byte order.
        let printable = Set(Array(0x21...0x7E) + Array(0xA1...0xAC) + Array(0xAE...0xFF))
        var next: UInt32 = 0x100
        return (0..<256).map { byte in
            if printable.contains(byte) { return Unicode.Scalar(UInt8(byte)) }
            defer { next += 1 }
            return Unicode.Scalar(next)!
        }
    }()

    /// The byte each table character stands for, indexed by scalar value; -1 outside the table.
    private static let byteOfCharacter: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, character) in characterOfByte.enumerated() {
            table[Int(character.value)] = Int16(byte)
        }
        return table
    }()

    static func byte(of character: Unicode.Scalar) -> UInt8? {
        let value = Int(character.value)
        guard value < byteOfCharacter.count, byteOfCharacter[value] >= 0 else { return nil }
        return UInt8(byteOfCharacter[value])
    }

    /// The bytes a vocabulary entry spells, or nil when it uses characters outside the table.
    static func bytes(ofToken token: String) -> [UInt8]? {
        // The table's characters are all below U+0800, so one or two UTF-8 bytes each.
        let utf8 = token.utf8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let lead = utf8[index]
            var value = UInt32(lead)
            utf8.formIndex(after: &index)
            if lead >= 0x80 {
                guard lead & 0xE0 == 0xC0, index != utf8.endIndex else { return nil }
                value = (value & 0x1F) << 6 | UInt32(utf8[index] & 0x3F)
                utf8.formIndex(after: &index)
            }
            guard let byte = byte(of: Unicode.Scalar(value)!) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }

    /// A byte string spelt in the table's characters, as tokenizer.json writes tokens.
    static func token(spelling bytes: [UInt8]) -> String {
        var token = ""
        token.unicodeScalars.append(contentsOf: bytes.lazy.map { characterOfByte[Int($0)] })
        return token
    }

    /// Text as the table's characters, byte by byte of its UTF-8: the alphabet the byte-level steps
    /// and the BPE work in.
    static func characters(spelling text: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var characters: [Unicode.Scalar] = []
        characters.reserveCapacity(text.count)
        for scalar in text {
            UTF8.encode(scalar) { characters.append(characterOfByte[Int($0)]) }
        }
        return characters
    }

    /// GPT-2's split pattern, which the ByteLevel pre-tokenizer applies when `use_regex` is true.
    static let gpt2Pattern = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
}
