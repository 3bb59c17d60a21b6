import Foundation

/// Names the model a transcript was made with, so a replay can tell whether a checkpoint matches.
public struct ModelIdentity: Equatable, Sendable {
    /// What the user called it: a folder path or a model name.
    public var id: String
    /// `fingerprint` of the configuration (see `init(id:config:)`).
    public var configHash: String

    public init(id: String, configHash: String) {
        self.id = id
        self.configHash = configHash
    }

    /// Hashes any architecture's config in a canonical form (its own keys, sorted), so
    /// reformatting the file keeps the hash and any change of shape or special ids changes it.
    public init(id: String, config: some Encodable) {
        self.init(id: id, configHash: Self.fingerprint(of: config))
    }

    /// `fingerprint` of `config` encoded as JSON with sorted keys.
    public static func fingerprint(of config: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return fingerprint((try? encoder.encode(config)) ?? Data())
    }

    /// "fnv1a64:" + 16 hex digits. FNV-1a, 64-bit (Fowler, Noll, Vo): not cryptographic; it only
    /// has to notice a different file.
    public static func fingerprint(_ bytes: Data) -> String {
        let digits = String(fnv1a64(bytes), radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// FNV-1a, 64-bit, of `bytes`.
    public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x0000_0100_0000_01b3 }
    }
}
