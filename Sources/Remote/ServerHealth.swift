/// The server's answer to GET /v1/health: what it runs (docs/server.md).
public struct ServerHealth: Decodable, Equatable, Sendable {
    public var protocolVersion: Int
    public var server: String
    public var name: String
    public var architecture: String
    public var loader: String
    public var configHash: String
    public var weightsFingerprint: String
    public var vocabSize: Int
    public var logitColumns: Int
    public var maskId: Int
    public var eosId: Int
    public var shiftsLogits: Bool
    public var maxCanvas: Int
    public var maxBatch: Int
    public var device: String
    public var dtype: String
    /// Companion files the server offers under /v1/files/ (tokenizer.json, heldout.jsonl, …).
    public var files: [String]

    enum CodingKeys: String, CodingKey {
        case protocolVersion = "protocol"
        case server, name, architecture, loader, configHash, weightsFingerprint, vocabSize, logitColumns
        case maskId, eosId, shiftsLogits, maxCanvas, maxBatch, device, dtype, files
    }

    /// Both hashes: what a statistics answer's X-Dscope-Model header must repeat.
    public var modelTag: String { "\(configHash) \(weightsFingerprint)" }
}
