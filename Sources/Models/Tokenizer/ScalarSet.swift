/// A set of Unicode scalars as split patterns describe them: literals, ranges, general categories
/// (`\p{L}`), whitespace (`\s`), and their unions and complements. The class definitions follow
/// Oniguruma's Unicode mode, which Hugging Face `tokenizers` uses for its patterns.
indirect enum ScalarSet: Sendable {
    case range(ClosedRange<UInt32>)
    case categories(GeneralCategories)
    /// `\s`: the White_Space property.
    case whitespace
    /// `\w`: letters, marks, decimal digits, letter numbers and connector punctuation.
    case word
    /// `.`: anything but a line feed.
    case notLineFeed
    case union([ScalarSet])
    case complement(ScalarSet)

    func contains(_ scalar: UInt32) -> Bool {
        switch self {
        case .range(let range):
            return range.contains(scalar)
        case .categories(let categories):
            return categories.contains(GeneralCategories.of(scalar))
        case .whitespace:
            return (0x09...0x0D).contains(scalar) || scalar == 0x85
                || GeneralCategories.separator.contains(GeneralCategories.of(scalar))
        case .word:
            return GeneralCategories.wordCharacter.contains(GeneralCategories.of(scalar))
        case .notLineFeed:
            return scalar != 0x0A
        case .union(let members):
            return members.contains { $0.contains(scalar) }
        case .complement(let set):
            return !set.contains(scalar)
        }
    }

    /// Whether the set names letters whose case a case-insensitive pattern would have to fold.
    var hasCasedLiterals: Bool {
        switch self {
        case .range(let range):
            return range.contains { Unicode.Scalar($0)?.properties.changesWhenCaseMapped ?? false }
        case .union(let members):
            return members.contains { $0.hasCasedLiterals }
        case .complement(let set):
            return set.hasCasedLiterals
        case .categories, .whitespace, .word, .notLineFeed:
            return false
        }
    }
}

/// A `ScalarSet` with its answers for ASCII precomputed, because pattern matching asks about every
/// scalar of the text, often several times, and most text is mostly ASCII.
struct ScalarMembership: Sendable {
    private let set: ScalarSet
    private let ascii: (low: UInt64, high: UInt64)

    init(_ set: ScalarSet) {
        self.set = set
        var low: UInt64 = 0, high: UInt64 = 0
        for scalar in 0..<UInt32(128) where set.contains(scalar) {
            if scalar < 64 { low |= 1 << UInt64(scalar) } else { high |= 1 << UInt64(scalar - 64) }
        }
        ascii = (low, high)
    }

    func contains(_ scalar: UInt32) -> Bool {
        if scalar < 64 { return ascii.low & (1 << UInt64(scalar)) != 0 }
        if scalar < 128 { return ascii.high & (1 << UInt64(scalar - 64)) != 0 }
        return set.contains(scalar)
    }
}

/// A set of Unicode general categories, one bit each.
struct GeneralCategories: OptionSet, Sendable {
    let rawValue: UInt32

    static let uppercaseLetter = Self(rawValue: 1 << 0)
    static let lowercaseLetter = Self(rawValue: 1 << 1)
    static let titlecaseLetter = Self(rawValue: 1 << 2)
    static let modifierLetter = Self(rawValue: 1 << 3)
    static let otherLetter = Self(rawValue: 1 << 4)
    static let nonspacingMark = Self(rawValue: 1 << 5)
    static let spacingMark = Self(rawValue: 1 << 6)
    static let enclosingMark = Self(rawValue: 1 << 7)
    static let decimalNumber = Self(rawValue: 1 << 8)
    static let letterNumber = Self(rawValue: 1 << 9)
    static let otherNumber = Self(rawValue: 1 << 10)
    static let connectorPunctuation = Self(rawValue: 1 << 11)
    static let dashPunctuation = Self(rawValue: 1 << 12)
    static let openPunctuation = Self(rawValue: 1 << 13)
    static let closePunctuation = Self(rawValue: 1 << 14)
    static let initialPunctuation = Self(rawValue: 1 << 15)
    static let finalPunctuation = Self(rawValue: 1 << 16)
    static let otherPunctuation = Self(rawValue: 1 << 17)
    static let mathSymbol = Self(rawValue: 1 << 18)
    static let currencySymbol = Self(rawValue: 1 << 19)
    static let modifierSymbol = Self(rawValue: 1 << 20)
    static let otherSymbol = Self(rawValue: 1 << 21)
    static let spaceSeparator = Self(rawValue: 1 << 22)
    static let lineSeparator = Self(rawValue: 1 << 23)
    static let paragraphSeparator = Self(rawValue: 1 << 24)
    static let control = Self(rawValue: 1 << 25)
    static let format = Self(rawValue: 1 << 26)
    static let surrogate = Self(rawValue: 1 << 27)
    static let privateUse = Self(rawValue: 1 << 28)
    static let unassigned = Self(rawValue: 1 << 29)

    static let casedLetter: Self = [.uppercaseLetter, .lowercaseLetter, .titlecaseLetter]
    static let letter: Self = [.casedLetter, .modifierLetter, .otherLetter]
    static let mark: Self = [.nonspacingMark, .spacingMark, .enclosingMark]
    static let number: Self = [.decimalNumber, .letterNumber, .otherNumber]
    static let punctuation: Self = [.connectorPunctuation, .dashPunctuation, .openPunctuation,
                                    .closePunctuation, .initialPunctuation, .finalPunctuation,
                                    .otherPunctuation]
    static let symbol: Self = [.mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol]
    static let separator: Self = [.spaceSeparator, .lineSeparator, .paragraphSeparator]
    static let other: Self = [.control, .format, .surrogate, .privateUse, .unassigned]
    static let wordCharacter: Self = [.letter, .mark, .decimalNumber, .letterNumber, .connectorPunctuation]

    /// `\p{…}` names, compared without case, spaces, hyphens or underscores as Oniguruma does.
    static func named(_ name: String) -> GeneralCategories? {
        let key = String(name.lowercased().filter { !" _-".contains($0) })
        let names: [String: GeneralCategories] = [
            "l": .letter, "letter": .letter, "lc": .casedLetter, "l&": .casedLetter,
            "casedletter": .casedLetter,
            "lu": .uppercaseLetter, "ll": .lowercaseLetter, "lt": .titlecaseLetter,
            "lm": .modifierLetter, "lo": .otherLetter,
            "m": .mark, "mark": .mark, "mn": .nonspacingMark, "mc": .spacingMark, "me": .enclosingMark,
            "n": .number, "number": .number, "nd": .decimalNumber, "nl": .letterNumber,
            "no": .otherNumber,
            "p": .punctuation, "punctuation": .punctuation, "pc": .connectorPunctuation,
            "pd": .dashPunctuation, "ps": .openPunctuation, "pe": .closePunctuation,
            "pi": .initialPunctuation, "pf": .finalPunctuation, "po": .otherPunctuation,
            "s": .symbol, "symbol": .symbol, "sm": .mathSymbol, "sc": .currencySymbol,
            "sk": .modifierSymbol, "so": .otherSymbol,
            "z": .separator, "separator": .separator, "zs": .spaceSeparator, "zl": .lineSeparator,
            "zp": .paragraphSeparator,
            "c": .other, "other": .other, "cc": .control, "cf": .format, "cs": .surrogate,
            "co": .privateUse, "cn": .unassigned,
        ]
        return names[key]
    }

    /// The category of a scalar value (surrogate code points included, as Oniguruma classifies them).
    static func of(_ scalar: UInt32) -> GeneralCategories {
        if scalar < 0x10000 { return Self(rawValue: 1 << UInt32(basicPlane[Int(scalar)])) }
        return of(computing: scalar)
    }

    private static let basicPlane: [UInt8] = (0..<UInt32(0x10000)).map { scalar in
        UInt8(of(computing: scalar).rawValue.trailingZeroBitCount)
    }

    private static func of(computing value: UInt32) -> GeneralCategories {
        guard let scalar = Unicode.Scalar(value) else { return .surrogate }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter: return .uppercaseLetter
        case .lowercaseLetter: return .lowercaseLetter
        case .titlecaseLetter: return .titlecaseLetter
        case .modifierLetter: return .modifierLetter
        case .otherLetter: return .otherLetter
        case .nonspacingMark: return .nonspacingMark
        case .spacingMark: return .spacingMark
        case .enclosingMark: return .enclosingMark
        case .decimalNumber: return .decimalNumber
        case .letterNumber: return .letterNumber
        case .otherNumber: return .otherNumber
        case .connectorPunctuation: return .connectorPunctuation
        case .dashPunctuation: return .dashPunctuation
        case .openPunctuation: return .openPunctuation
        case .closePunctuation: return .closePunctuation
        case .initialPunctuation: return .initialPunctuation
        case .finalPunctuation: return .finalPunctuation
        case .otherPunctuation: return .otherPunctuation
        case .mathSymbol: return .mathSymbol
        case .currencySymbol: return .currencySymbol
        case .modifierSymbol: return .modifierSymbol
        case .otherSymbol: return .otherSymbol
        case .spaceSeparator: return .spaceSeparator
        case .lineSeparator: return .lineSeparator
        case .paragraphSeparator: return .paragraphSeparator
        case .control: return .control
        case .format: return .format
        case .surrogate: return .surrogate
        case .privateUse: return .privateUse
        case .unassigned: return .unassigned
        @unknown default: return .unassigned
        }
    }
}

extension Unicode.Scalar {
    /// A key equal for scalars that a case-insensitive Oniguruma pattern treats as one letter
    /// (simple case folding: "ſ" and "s", "K" (Kelvin) and "k"; dotless ı stays distinct from i).
    var caseFoldKey: UInt32 {
        if value < 0x80 {
            return (0x41...0x5A).contains(value) ? value + 0x20 : value
        }
        if value == 0x131 { return value }
        var upper = self
        if let single = properties.uppercaseMapping.unicodeScalars.onlyElement { upper = single }
        return upper.properties.lowercaseMapping.unicodeScalars.onlyElement?.value ?? upper.value
    }
}

private extension Collection {
    var onlyElement: Element? { count == 1 ? first : nil }
}
