import Foundation
import Models

/// Names the model a transcript was made with, so a replay can tell whether a checkpoint matches.
public struct ModelIdentity: Equatable, Sendable {
    /// What the user called it: a folder path or a model name.
    public var id: String
    /// "fnv1a64:" + 16 hex digits of the configuration (see `init(id:config:)`).
    public var configHash: String

    public init(id: String, configHash: String) {
        self.id = id
        self.configHash = configHash
    }

    /// Hashes config.json's values in a canonical form (sorted keys), so reformatting the file
    /// keeps the hash and any change of shape or special ids changes it.
    public init(id: String, config: LLaDAConfig) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = (try? encoder.encode(config)) ?? Data()
        self.init(id: id, configHash: "fnv1a64:" + Self.hex(Self.fnv1a64(bytes)))
    }

    /// FNV-1a, 64-bit (Fowler, Noll, Vo): not cryptographic; it only has to notice a different config.
    static func fnv1a64(_ bytes: Data) -> UInt64 {
        bytes.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }

    private static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
