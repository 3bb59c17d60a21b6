import Foundation
@testable import TUI
import XCTest

/// Mutated theme files (btop's `theme[key]="value"` lines): extreme or malformed colour values,
/// control characters, huge lines, flipped bits. A theme never fails to load; its warnings are
/// shown in the status bar and on stderr, so they must be safe to print.
final class ThemeFuzzTests: XCTestCase {
    static let hostileValues = ["#FFFFFFFFFFFFFFFF", "#", "#GG", "999999999999 0 0", "-1 -1 -1", "nan nan nan",
                                "1e308 0 0", "255 255", "\u{1B}[2J\u{1B}]0;owned\u{07}", "\0",
                                String(repeating: "F", count: 100_000), "#-1", "# 1 2 3"]

    func testMutatedThemesLoadWithSafeWarnings() throws {
        let names = ["default", "light", "colorblind"]
        let themes = try names.map { try FuzzSeeds.text(FuzzSeeds.themes.appendingPathComponent("\($0).theme")) }
        let file = try scratchFolder(self).appendingPathComponent("fuzzed.theme")

        FuzzHarness(format: "theme", cases: 250).run(mutate: { mutator -> [UInt8] in
            var lines = themes[mutator.below(themes.count)].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            switch mutator.below(4) {
            case 0, 1:
                for _ in 0..<(1 + mutator.below(3)) {
                    let index = mutator.below(lines.count)
                    guard let open = lines[index].firstIndex(of: "\""), let close = lines[index].lastIndex(of: "\""),
                          open < close else { continue }
                    lines[index].replaceSubrange(lines[index].index(after: open)..<close, with: mutator.pick(Self.hostileValues))
                }
                return Array(lines.joined(separator: "\n").utf8)
            case 2:
                var bytes = Array(lines.joined(separator: "\n").utf8)
                mutator.flipBits(&bytes, count: 1 + mutator.below(8))
                return bytes
            default:
                return mutator.truncate(Array(lines.joined(separator: "\n").utf8))
            }
        }, load: { bytes in
            try Data(bytes).write(to: file)
            let (theme, warnings) = try ThemeLocator(directories: []).load(file.path)
            for warning in warnings {
                let text = warning.description
                XCTAssertFalse(text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                               text.prefix(200).debugDescription)
                XCTAssertLessThanOrEqual(text.count, FuzzHarness.maximumMessageLength)
            }
            let palette = Palette(theme: theme, mode: .color)
            _ = palette.style(.heat, at: 0.5)
        })
    }
}
