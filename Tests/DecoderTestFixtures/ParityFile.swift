import Foundation
import Decoder

/// A parity file of the PyTorch reference loops (tools/make_decoder_fixtures.py,
/// tools/make_dream_decoder_fixtures.py): the checkpoint folder next to it and the cases decoded.
public struct ParityFile<Case: Decodable>: Decodable {
    public var checkpoint: String
    public var cases: [Case]

    public init(contentsOf url: URL) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(contentsOf: url))
    }
}

/// One case of parity.json: a prompt decoded at T = 0 with one order and parallelism rule, and
/// the reference loop's tokens and step map.
public struct ReferenceParityCase: Decodable {
    public var name: String
    public var gen_length: Int
    public var block_length: Int?
    public var order: String
    public var rule: String
    public var value: Double
    public var cfg_scale: Float?
    public var suppress_eos: Bool?
    public var prompt_ids: [Int]
    public var expected_ids: [Int]
    public var expected_step_map: [Int]

    public var settings: DecodeSettings {
        let parallelism: ParallelismRule
        switch rule {
        case "schedule": parallelism = .schedule(steps: Int(value))
        case "per_step": parallelism = .perStep(k: Int(value))
        case "threshold": parallelism = .threshold(value)
        case "factor": parallelism = .factor(value)
        case "eb": parallelism = .entropyBound(value)
        default: preconditionFailure("unknown rule \(rule) in parity.json")
        }
        return DecodeSettings(order: DecodeOrder(rawValue: order)!, blockLength: block_length,
                              parallelism: parallelism, cfgScale: cfg_scale ?? 0,
                              suppressEOS: suppress_eos ?? false)
    }
}
