import Foundation
import XCTest

/// Runs seeded mutations of one format through its loader and asserts the only two outcomes bad
/// input may have: success, or a typed error of ours whose message is one short line with no
/// control characters. A crash or hang fails the whole run, so the harness can name each case
/// before it runs (`DSCOPE_FUZZ_TRACE=1`), skip some while looking for more
/// (`DSCOPE_FUZZ_SKIP=gguf:3,gguf:17`), replay one (`DSCOPE_FUZZ_CASE=gguf:17`) and keep the
/// inputs it runs as files (`DSCOPE_FUZZ_SAVE=folder`).
struct FuzzHarness {
    /// Changing it gives new cases; keep it fixed so that failures reproduce.
    static let baseSeed: UInt64 = 0xD5C0_F022_2026_1205
    /// Longer messages are floods, whatever they say.
    static let maximumMessageLength = 2_100

    let format: String
    let cases: Int

    /// The seed of case `index`: a stable hash of the format, so formats get different cases.
    func seed(_ index: Int) -> UInt64 {
        let formatHash = format.utf8.reduce(UInt64(0xCBF2_9CE4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 }
        return Self.baseSeed ^ formatHash &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15
    }

    /// `mutate` makes the input of a case from its mutator; `load` reads it as dscope would.
    func run<Input>(mutate: (inout Mutator) -> Input, load: (Input) throws -> Void,
                    file: StaticString = #filePath, line: UInt = #line) {
        let environment = ProcessInfo.processInfo.environment
        let trace = environment["DSCOPE_FUZZ_TRACE"] != nil
        let skipped = Set((environment["DSCOPE_FUZZ_SKIP"] ?? "").split(separator: ",").map(String.init))
        var selected = Array(0..<cases)
        if let only = environment["DSCOPE_FUZZ_CASE"] {
            let parts = only.split(separator: ":")
            guard parts.count == 2, parts[0] == format, let index = Int(parts[1]) else { return }
            selected = [index]
        }
        var loaded = 0, rejected = 0, skippedCases = 0
        defer {
            print("fuzz \(format): \(selected.count) cases, \(loaded) loaded, \(rejected) rejected, "
                + "\(skippedCases) skipped (seed 0x\(String(Self.baseSeed, radix: 16)))")
        }
        for index in selected {
            let name = "\(format):\(index) (seed 0x\(String(seed(index), radix: 16)))"
            if skipped.contains("\(format):\(index)") {
                skippedCases += 1
                continue
            }
            if trace { print("fuzz \(name)"); fflush(stdout) }
            var mutator = Mutator(seed: seed(index))
            let input = mutate(&mutator)
            if let folder = environment["DSCOPE_FUZZ_SAVE"] { save(input, as: "\(format)-\(index)", in: folder) }
            do {
                try load(input)
                loaded += 1
            } catch {
                rejected += 1
                if trace { print("  \(String(describing: error).prefix(200))") }
                check(error, name, file: file, line: line)
            }
        }
    }

    /// The input's bytes, or each text or bytes of a tuple input as its own file.
    private func save(_ input: Any, as name: String, in folder: String) {
        let parts = Mirror(reflecting: input).displayStyle == .tuple ? Mirror(reflecting: input).children.map(\.value) : [input]
        for (number, part) in parts.enumerated() {
            let bytes: [UInt8]
            switch part {
            case let part as [UInt8]: bytes = part
            case let part as String: bytes = Array(part.utf8)
            case let part as String?: bytes = part.map { Array($0.utf8) } ?? []
            default: continue
            }
            let file = URL(fileURLWithPath: folder).appendingPathComponent(parts.count > 1 ? "\(name).\(number)" : name)
            try? Data(bytes).write(to: file)
        }
    }

    private func check(_ error: Error, _ name: String, file: StaticString, line: UInt) {
        let type = String(reflecting: Swift.type(of: error))
        let replay = "replay with DSCOPE_FUZZ_CASE=\(name.prefix { $0 != " " })"
        guard ["Models.", "Decoder.", "TUI."].contains(where: type.hasPrefix) else {
            return XCTFail("\(name): untyped error \(type): \(String(describing: error).prefix(300)); \(replay)",
                           file: file, line: line)
        }
        let message = String(describing: error)
        let controls = message.unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        XCTAssertTrue(controls.isEmpty, "\(name): \(type) message holds control characters "
            + "\(controls.map { String($0.value, radix: 16) }): \(message.prefix(300).debugDescription); \(replay)",
            file: file, line: line)
        XCTAssertLessThanOrEqual(message.count, Self.maximumMessageLength,
                                 "\(name): \(type) message of \(message.count) characters; \(replay)", file: file, line: line)
    }
}

/// What a command prints from a loaded file (a report, a table, the drawn scope) holds no control
/// character but line breaks.
func assertPrintable(_ text: String, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    let controls = text.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
    XCTAssertTrue(controls.isEmpty, "\(what) holds control characters \(controls.map { String($0.value, radix: 16) })",
                  file: file, line: line)
}

/// A scratch folder per test, removed afterwards.
func scratchFolder(_ test: XCTestCase) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("dscope-fuzz-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
    return folder
}

/// The repository's test fixtures and seeds, read from the checkout.
enum FuzzSeeds {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    static let models = tests.appendingPathComponent("ModelsTests/Fixtures")
    static let own = tests.appendingPathComponent("RobustnessTests/Seeds")
    static let themes = tests.deletingLastPathComponent().appendingPathComponent("themes")

    static func bytes(_ url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }

    static func text(_ url: URL) throws -> String {
        String(decoding: try Data(contentsOf: url), as: UTF8.self)
    }
}
