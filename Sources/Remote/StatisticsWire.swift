import Decoder
import Foundation
import Models

/// The statistics and logits requests and answers on the wire (docs/server.md, protocol 1):
/// JSON questions, little-endian binary answers.
enum StatisticsWire {
    struct Body: Encodable {
        var temperature: Double
        var topK: Int
        var suppressToken: Int?
        var cfgScale: Float
        var canvases: [CanvasBody]
    }

    struct CanvasBody: Encodable {
        var tokens: [Int]
        var promptLength: Int
        var rows: [Int]
        /// −1: statistics only.
        var positions: [Int]
        var seed: UInt64
        var step: Int
    }

    /// One request for many canvases; they must share the settings that apply to the whole batch.
    static func body(_ requests: [StatisticsRequest], topK: Int) throws -> Data {
        guard let first = requests.first else { return Data() }
        for request in requests where request.temperature != first.temperature || request.maskId != first.maskId
            || request.suppressedToken != first.suppressedToken || request.cfgScale != first.cfgScale {
            throw StatisticsWireError.mixedBatch
        }
        let canvases = requests.map {
            CanvasBody(tokens: $0.canvas, promptLength: $0.promptLength, rows: $0.rows,
                       positions: $0.samplePositions.map { $0 ?? -1 }, seed: $0.seed, step: $0.step)
        }
        return try JSONEncoder().encode(Body(temperature: first.temperature, topK: topK,
                                             suppressToken: first.suppressedToken, cfgScale: first.cfgScale,
                                             canvases: canvases))
    }

    /// "DSS1", u32 canvases, u32 k, u32 rows per canvas; per row i32 token, i32 top id,
    /// f32 p(token), top-1 p, top-2 p, entropy, then k ids and k probabilities.
    static func statistics(_ data: Data, expectedRows: [Int]) throws -> [[RowStatistics]] {
        var reader = LittleEndianReader(data)
        guard try reader.bytes(4) == Array("DSS1".utf8) else { throw StatisticsWireError.magic("DSS1") }
        let canvases = Int(try reader.u32()), k = Int(try reader.u32())
        guard canvases == expectedRows.count else {
            throw StatisticsWireError.count(what: "canvases", expected: expectedRows.count, got: canvases)
        }
        let counts = try (0..<canvases).map { _ in Int(try reader.u32()) }
        guard counts == expectedRows else {
            throw StatisticsWireError.count(what: "rows", expected: expectedRows.reduce(0, +), got: counts.reduce(0, +))
        }
        guard reader.remaining == counts.reduce(0, +) * (24 + 8 * k) else { throw StatisticsWireError.length }
        return try counts.map { rows in
            try (0..<rows).map { _ in
                let token = Int(try reader.i32()), top = Int(try reader.i32())
                let tokenProbability = try reader.f32(), topProbability = try reader.f32()
                let secondProbability = try reader.f32(), entropyNats = try reader.f32()
                let ids = try (0..<k).map { _ in Int(try reader.i32()) }
                let probabilities = try (0..<k).map { _ in try reader.f32() }
                return RowStatistics(token: token < 0 ? nil : token, tokenProbability: tokenProbability,
                                     topId: top, topProbability: topProbability,
                                     secondProbability: secondProbability, entropyNats: entropyNats,
                                     topCandidates: zip(ids, probabilities).map { TokenProbability(token: $0, probability: $1) })
            }
        }
    }

    /// "DSL1", u32 rows, u32 columns, then the rows as f32.
    static func logits(_ data: Data, rows: Int, columns: Int) throws -> LogitsMatrix {
        var reader = LittleEndianReader(data)
        guard try reader.bytes(4) == Array("DSL1".utf8) else { throw StatisticsWireError.magic("DSL1") }
        let gotRows = Int(try reader.u32()), gotColumns = Int(try reader.u32())
        guard gotRows == rows, gotColumns == columns, reader.remaining == rows * columns * 4 else {
            throw StatisticsWireError.count(what: "logits", expected: rows * columns, got: gotRows * gotColumns)
        }
        var values = [Float](repeating: 0, count: rows * columns)
        for i in values.indices { values[i] = try reader.f32() }
        return LogitsMatrix(rows: rows, columns: columns, values: values)
    }
}

enum StatisticsWireError: Error, CustomStringConvertible {
    case magic(String)
    case count(what: String, expected: Int, got: Int)
    case length
    case truncated
    case mixedBatch

    var description: String {
        switch self {
        case let .magic(magic): return "the answer does not start with \(magic)"
        case let .count(what, expected, got): return "\(got) \(what) for the \(expected) asked"
        case .length: return "its length does not match its header"
        case .truncated: return "it ends early"
        case .mixedBatch: return "a batch's canvases must share temperature, mask id, EOS suppression and CFG scale"
        }
    }
}

private struct LittleEndianReader {
    let data: [UInt8]
    var offset = 0

    init(_ data: Data) { self.data = [UInt8](data) }

    var remaining: Int { data.count - offset }

    mutating func bytes(_ count: Int) throws -> [UInt8] {
        guard remaining >= count else { throw StatisticsWireError.truncated }
        defer { offset += count }
        return Array(data[offset..<(offset + count)])
    }

    mutating func u32() throws -> UInt32 {
        guard remaining >= 4 else { throw StatisticsWireError.truncated }
        defer { offset += 4 }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(data[offset + $1]) << (8 * $1) }
    }

    mutating func i32() throws -> Int32 { Int32(bitPattern: try u32()) }
    mutating func f32() throws -> Float { Float(bitPattern: try u32()) }
}
