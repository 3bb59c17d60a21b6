import Decoder
import Foundation
import Models

/// A model whose forward runs in a dscope-server (`--model http://host:port`): each step asks it
/// for the masked rows' statistics, sampled with the decoder's own noise streams, so a remote
/// decode is the decode a local model with the same logits would make (docs/server.md).
public final class RemoteModel: StatisticsModel, @unchecked Sendable {
    // @unchecked: immutable after init; the connection is thread-safe.
    public static let protocolVersion = 1

    public let health: ServerHealth
    private let connection: ServerConnection
    private let lock = NSLock()
    private var counted = Traffic()

    /// Bytes on the wire so far (request and answer bodies), for `bench decode`.
    public struct Traffic: Equatable, Sendable {
        public var requests = 0
        public var bytesSent = 0
        public var bytesReceived = 0
    }

    public var traffic: Traffic { lock.withLock { counted } }

    /// Connects and reads /v1/health; `timeout` bounds every later call (a step of a big model on
    /// a busy GPU may take a while), the health check gets at most 15 s.
    public init(address: String, token: String?, timeout: Double) throws {
        guard let url = URL(string: address), let scheme = url.scheme?.lowercased(),
              scheme == "http" || scheme == "https", url.host != nil else {
            throw RemoteModelError.badURL(address)
        }
        connection = ServerConnection(base: url, token: token, timeout: timeout)
        let answer = try connection.get("v1/health", timeout: min(timeout, 15))
        do {
            health = try JSONDecoder().decode(ServerHealth.self, from: answer.body)
        } catch {
            let version = ((try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any])?["protocol"] as? Int
            if let version, version != Self.protocolVersion {
                throw RemoteModelError.protocolVersion(url: address, server: version, client: Self.protocolVersion)
            }
            throw RemoteModelError.badAnswer(url: address, reason: "health: \(error)")
        }
        guard health.protocolVersion == Self.protocolVersion else {
            throw RemoteModelError.protocolVersion(url: address, server: health.protocolVersion, client: Self.protocolVersion)
        }
    }

    public var address: String { connection.address }

    public var vocabulary: VocabularyFacts {
        VocabularyFacts(maskId: health.maskId, eosId: health.eosId, logitColumns: health.logitColumns)
    }

    public var shiftsLogits: Bool { health.shiftsLogits }

    /// "tiny-arith @ http://127.0.0.1:8765": what the status bar and transcripts call it.
    public var displayName: String { "\(health.name) @ \(address)" }

    /// The transcript's model identity: the server's config hash, and its weights fingerprint in
    /// the id, so a replay names exactly what ran; not the address, which a tunnel may change
    /// between the runs of a resumed measurement.
    public var identity: ModelIdentity {
        ModelIdentity(id: "\(health.name) (remote, weights \(health.weightsFingerprint))", configHash: health.configHash)
    }

    public func statistics(_ requests: [StatisticsRequest]) throws -> [[RowStatistics]] {
        try statistics(requests, topK: TokenProbability.recordedCount).rows
    }

    /// The statistics and the answer's size in bytes (`bench decode` reports it).
    public func statistics(_ requests: [StatisticsRequest], topK: Int) throws -> (rows: [[RowStatistics]], bytes: Int) {
        guard !requests.isEmpty else { return ([], 0) }
        let body: Data
        do { body = try StatisticsWire.body(requests, topK: topK) } catch {
            throw RemoteModelError.badAnswer(url: address, reason: "\(error)")
        }
        let answer = try connection.post("v1/statistics", json: body)
        count(sent: body, received: answer.body)
        try checkSameModel(answer)
        do {
            return (try StatisticsWire.statistics(answer.body, expectedRows: requests.map(\.rows.count)),
                    answer.body.count)
        } catch {
            throw RemoteModelError.badAnswer(url: address, reason: "\(error)")
        }
    }

    /// Whole logits rows (the debugging path; ~0.5 MB per row for LLaDA-8B).
    public func logits(canvas: [Int], positions: [Int]) throws -> LogitsMatrix {
        let body = try JSONSerialization.data(withJSONObject: ["tokens": canvas, "rows": positions])
        let answer = try connection.post("v1/logits", json: body)
        count(sent: body, received: answer.body)
        try checkSameModel(answer)
        do {
            return try StatisticsWire.logits(answer.body, rows: positions.count, columns: health.logitColumns)
        } catch {
            throw RemoteModelError.badAnswer(url: address, reason: "\(error)")
        }
    }

    /// Copies the companion files the server offers (tokenizer, tasks, generation defaults, and
    /// config.json) into `folder`, so the rest of dscope reads them like a local model folder's.
    public func mirrorFiles(into folder: URL) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for name in ["config.json"] + health.files where !name.contains("/") {
            let answer = try connection.get("v1/files/\(name)")
            try answer.body.write(to: folder.appendingPathComponent(name), options: .atomic)
        }
    }

    private func count(sent: Data, received: Data) {
        lock.withLock {
            counted.requests += 1
            counted.bytesSent += sent.count
            counted.bytesReceived += received.count
        }
    }

    /// A server restarted with another model must not continue this decode unnoticed.
    private func checkSameModel(_ answer: ServerConnection.Answer) throws {
        guard let tag = answer.header("X-Dscope-Model") else { return }
        guard tag == health.modelTag else {
            throw RemoteModelError.modelChanged(url: address, was: health.modelTag, now: tag)
        }
    }
}
