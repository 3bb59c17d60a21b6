import Foundation
import XCTest
@testable import TUI

final class ThemeTests: XCTestCase {
    func testParsesHexGreyDecimalAndEmptyValues() {
        let (theme, warnings) = ThemeParser.parse("""
            # a comment
            theme[main_fg]="#ff8000"
            theme[prompt_fg]="#80"
            theme[mask_fg] = "10 20 30"   # trailing comment
            theme[main_bg]=""
            theme[heat_start]="#000000"
            """, name: "t")
        XCTAssertEqual(warnings, [])
        XCTAssertEqual(theme.color(.mainForeground), .rgb(RGBColor(red: 255, green: 128, blue: 0)))
        XCTAssertEqual(theme.color(.prompt), .rgb(RGBColor(grey: 0x80)))
        XCTAssertEqual(theme.color(.mask), .rgb(RGBColor(red: 10, green: 20, blue: 30)))
        XCTAssertEqual(theme.color(.mainBackground), .terminalDefault)
        XCTAssertEqual(theme.color(.border), .terminalDefault, "a key the file leaves out is the terminal default")
    }

    func testGradientWithMidExpandsTo101StepsThroughTheMid() {
        let (theme, _) = ThemeParser.parse("""
            theme[heat_start]="#000000"
            theme[heat_mid]="#640000"
            theme[heat_end]="#64c800"
            """, name: "t")
        let heat = theme.gradients[.heat]!
        XCTAssertEqual(heat.count, 101)
        XCTAssertEqual(heat[0], RGBColor(grey: 0))
        XCTAssertEqual(heat[25], RGBColor(red: 50, green: 0, blue: 0))
        XCTAssertEqual(heat[50], RGBColor(red: 100, green: 0, blue: 0))
        XCTAssertEqual(heat[75], RGBColor(red: 100, green: 100, blue: 0))
        XCTAssertEqual(heat[100], RGBColor(red: 100, green: 200, blue: 0))
        XCTAssertEqual(theme.gradient(.heat, at: 0.5), RGBColor(red: 100, green: 0, blue: 0))
        XCTAssertEqual(theme.gradient(.heat, at: 7), heat[100], "fractions are clamped")
    }

    func testGradientWithoutMidIsLinearAndWithoutEndIsFlat() {
        let (theme, _) = ThemeParser.parse("""
            theme[heat_start]="#00"
            theme[heat_end]="#c8"
            theme[order_start]="#40"
            """, name: "t")
        XCTAssertEqual(theme.gradients[.heat]![50], RGBColor(grey: 100))
        XCTAssertEqual(Set(theme.gradients[.order]!), [RGBColor(grey: 0x40)])
    }

    func testBadLinesBadValuesAndUnknownKeysAreSkippedWithWarnings() {
        let (theme, warnings) = ThemeParser.parse("""
            theme[main_fg]="#00ff00"
            main_bg = "#000000"
            theme[prompt_fg]="#12345"
            theme[mask_fg]="300 0 0"
            theme[cpu_box]="#ffffff"
            theme[heat_end]="#ffffff"
            theme[title_fg]="#ffffff" trailing
            """, name: "t")
        XCTAssertEqual(theme.color(.mainForeground), .rgb(RGBColor(red: 0, green: 255, blue: 0)))
        XCTAssertEqual(warnings.map(\.line), [2, 3, 4, 5, 7, 0, 0])
        XCTAssertEqual(warnings[1].description,
                       "line 3: prompt_fg: bad colour \"#12345\" (use #RRGGBB, #GG, \"R G B\" or \"\")")
        XCTAssertEqual(warnings[3].description, "line 5: unknown key cpu_box (ignored)")
        XCTAssertEqual(warnings[5].description, "heat_start missing: gradient ignored")
        XCTAssertEqual(warnings[6].description, "no heat gradient: heat is shown by shading")
        XCTAssertNil(theme.gradients[.heat])
    }

    func testRGBMapsToTheGreyRampForGreysAndToTheCubeOtherwise() {
        XCTAssertEqual(RGBColor(grey: 128).xterm256Index, 244, "232 + (128 − 8) / 10")
        XCTAssertEqual(RGBColor(grey: 8).xterm256Index, 232)
        XCTAssertEqual(RGBColor(grey: 238).xterm256Index, 255)
        XCTAssertEqual(RGBColor(grey: 0).xterm256Index, 16, "pure black is exact in the cube")
        XCTAssertEqual(RGBColor(grey: 255).xterm256Index, 231, "pure white is exact in the cube")
        XCTAssertEqual(RGBColor(red: 255, green: 0, blue: 0).xterm256Index, 196)
        XCTAssertEqual(RGBColor(red: 0x5f, green: 0x87, blue: 0xaf).xterm256Index, 67, "cube levels map exactly")
        XCTAssertEqual(RGBColor(red: 0x5f, green: 0x5f, blue: 0x5f).xterm256Index, 59)
        XCTAssertEqual(RGBColor(red: 250, green: 130, blue: 10).xterm256Index, 208, "16 + 36·5 + 6·2 + 0")
    }

    func testBundledThemesParseCleanlyAndSetEveryKey() throws {
        let locator = ThemeLocator(directories: [ThemeLocator.bundledSourceDirectory])
        XCTAssertEqual(Set(locator.availableThemes()), ["default", "light", "colorblind"])
        for name in ["default", "light", "colorblind"] {
            let (theme, warnings) = try locator.load(name)
            XCTAssertEqual(warnings, [], name)
            XCTAssertEqual(Set(theme.colors.keys), Set(ThemeKey.allCases), name)
            XCTAssertEqual(Set(theme.gradients.keys), Set(ThemeGradient.allCases), name)
        }
    }

    func testSearchOrderIsExplicitPathThenUserConfigThenBundled() throws {
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-theme-\(UUID())")
        let userThemes = config.appendingPathComponent("dscope/themes")
        try FileManager.default.createDirectory(at: userThemes, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: config) }
        try "theme[main_fg]=\"#010203\"".write(to: userThemes.appendingPathComponent("light.theme"),
                                               atomically: true, encoding: .utf8)

        let locator = ThemeLocator.standard(environment: ["XDG_CONFIG_HOME": config.path])
        XCTAssertEqual(locator.directories.first, userThemes.path)
        XCTAssertEqual(locator.directories.last, ThemeLocator.bundledSourceDirectory)
        XCTAssertEqual(try locator.locate("light"), userThemes.appendingPathComponent("light.theme").path)
        XCTAssertEqual(try locator.locate("colorblind"), ThemeLocator.bundledSourceDirectory + "/colorblind.theme")
        let explicit = ThemeLocator.bundledSourceDirectory + "/light.theme"
        XCTAssertEqual(try locator.locate(explicit), explicit)
    }

    func testAMissingThemeSaysWhereItLooked() {
        let locator = ThemeLocator(directories: ["/nowhere/a", "/nowhere/b"])
        XCTAssertThrowsError(try locator.locate("solarized")) { error in
            XCTAssertEqual(error as? ThemeError, .notFound(name: "solarized", searched: ["/nowhere/a", "/nowhere/b"]))
            XCTAssertTrue("\(error)".contains("put solarized.theme in one of those folders"))
        }
    }

    func testNoColorOrTheFlagOrAFewColourTerminalMeansMonochrome() {
        XCTAssertEqual(ColorMode.resolve(noColorFlag: false, environment: [:]), .color)
        XCTAssertEqual(ColorMode.resolve(noColorFlag: false, environment: ["NO_COLOR": "1"]), .monochrome)
        XCTAssertEqual(ColorMode.resolve(noColorFlag: false, environment: ["NO_COLOR": ""]), .color,
                       "NO_COLOR only counts when non-empty")
        XCTAssertEqual(ColorMode.resolve(noColorFlag: true, environment: [:]), .monochrome)
        XCTAssertEqual(ColorMode.resolve(noColorFlag: false, environment: [:], terminalColors: 8), .monochrome)
    }
}

/// A theme path that is there but cannot be read says why, in words.
final class ThemeFileErrorTests: XCTestCase {
    private func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-themes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    private func message(loading nameOrPath: String, in directories: [String] = []) -> String {
        do {
            _ = try ThemeLocator(directories: directories).load(nameOrPath)
            return "loaded"
        } catch {
            return "\(error)"
        }
    }

    func testADirectoryIsNamedAsOne() throws {
        let directory = try folder().appendingPathComponent("dark.theme")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let text = message(loading: directory.path)
        XCTAssertEqual(text, "cannot read theme \(directory.path): a directory, not a theme file")
    }

    func testASymbolicLinkLoopIsNamedAsOne() throws {
        let base = try folder()
        let a = base.appendingPathComponent("a.theme").path, b = base.appendingPathComponent("b.theme").path
        try FileManager.default.createSymbolicLink(atPath: a, withDestinationPath: b)
        try FileManager.default.createSymbolicLink(atPath: b, withDestinationPath: a)
        XCTAssertEqual(message(loading: a), "cannot read theme \(a): a symbolic link loop")
        XCTAssertEqual(message(loading: "a", in: [base.path]), "cannot read theme \(a): a symbolic link loop")
    }

    func testAMissingThemePathIsNotTreatedAsAName() throws {
        let path = try folder().appendingPathComponent("light.theme").path
        let text = message(loading: path)
        XCTAssertFalse(text.contains("light.theme.theme"), text)
        XCTAssertTrue(text.contains("\(path) does not exist"), text)
    }

    func testAnUnreadableFileIsNamedAsSuch() throws {
        try XCTSkipIf(getuid() == 0, "root reads any file")
        let path = try folder().appendingPathComponent("light.theme").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data("a=\"b\"\n".utf8),
                                                     attributes: [.posixPermissions: 0]))
        let text = message(loading: path)
        XCTAssertTrue(text.hasPrefix("cannot read theme \(path): "), text)
        XCTAssertFalse(text.contains("not found"), text)
    }
}
