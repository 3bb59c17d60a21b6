import Foundation
import Kernels
import Models

/// What a step needs of one masked row's prediction: its entropy, argmax and top probabilities,
/// and, for a row of the current block, the token sampled from it. A local model's logits turn
/// into these here; a remote model computes them where its logits are (`StatisticsModel`), so a
/// step never ships whole vocabulary rows.
public struct RowStatistics: Equatable, Sendable {
    /// The sampled token; nil where none was asked for (rows outside the current block).
    public var token: Int?
    /// softmax(row)[token]; 0 without a token.
    public var tokenProbability: Float
    /// argmax, ties to the lowest id (may be the mask id: such a guess is not shown).
    public var topId: Int
    public var topProbability: Float
    public var secondProbability: Float
    public var entropyNats: Float
    /// The most probable tokens, best first (the inspector's list); empty where not asked for.
    public var topCandidates: [TokenProbability]
    /// False when the row held NaN or ±∞ (bad weights or config): the step must stop.
    public var logitsFinite: Bool

    public init(token: Int?, tokenProbability: Float, topId: Int, topProbability: Float,
                secondProbability: Float, entropyNats: Float, topCandidates: [TokenProbability] = [],
                logitsFinite: Bool = true) {
        self.token = token
        self.tokenProbability = tokenProbability
        self.topId = topId
        self.topProbability = topProbability
        self.secondProbability = secondProbability
        self.entropyNats = entropyNats
        self.topCandidates = topCandidates
        self.logitsFinite = logitsFinite && entropyNats.isFinite && topProbability.isFinite
    }

    public var margin: Float { topProbability - secondProbability }
}

/// One step's question about one canvas: which logits rows, which of them to sample (each from its
/// own noise stream), and how the logits are shaped first (guidance, EOS suppression).
public struct StatisticsRequest: Equatable, Sendable {
    public var canvas: [Int]
    /// Canvas indices before this are the prompt (masked in the unguided twin of CFG).
    public var promptLength: Int
    /// Logits rows, one per masked position asked about.
    public var rows: [Int]
    /// Per row: the generated-part position whose Gumbel stream samples it, nil = statistics only.
    public var samplePositions: [Int?]
    /// 1-based step: with the seed it picks the noise streams (NoiseStreams).
    public var step: Int
    public var seed: UInt64
    public var temperature: Double
    public var maskId: Int
    /// A token whose logit is pushed 10⁴ below the row's maximum first (LLaDA's logits_eos_inf).
    public var suppressedToken: Int?
    /// Classifier-free guidance scale; 0 = none.
    public var cfgScale: Float

    public init(canvas: [Int], promptLength: Int, rows: [Int], samplePositions: [Int?], step: Int,
                seed: UInt64, temperature: Double, maskId: Int, suppressedToken: Int?, cfgScale: Float) {
        self.canvas = canvas
        self.promptLength = promptLength
        self.rows = rows
        self.samplePositions = samplePositions
        self.step = step
        self.seed = seed
        self.temperature = temperature
        self.maskId = maskId
        self.suppressedToken = suppressedToken
        self.cfgScale = cfgScale
    }

    /// The forward passes the request costs (two with guidance).
    public var forwardPasses: Int { cfgScale > 0 ? 2 : 1 }

    /// The statistics of `logits` (one row per entry of `rows`, already guided); suppresses in place.
    public func statistics(of logits: inout LogitsMatrix) -> [RowStatistics] {
        let sampler = Sampler(temperature: temperature, maskId: maskId)
        let noise = NoiseStreams(seed: seed)
        let columns = logits.columns
        return logits.values.withUnsafeMutableBufferPointer { all in
            rows.indices.map { row in
                let logitsRow = UnsafeMutableBufferPointer(rebasing: all[(row * columns)..<((row + 1) * columns)])
                if let suppressedToken { Self.suppress(suppressedToken, in: logitsRow) }
                let statistics = SoftmaxStatistics(logits: logitsRow.baseAddress!, count: columns)
                guard statistics.isFinite else {
                    return RowStatistics(token: nil, tokenProbability: 0, topId: 0, topProbability: .nan,
                                         secondProbability: .nan, entropyNats: .nan, logitsFinite: false)
                }
                // p = exp(logit − max) / Z, and the top token's p is 1 / Z.
                let tops = topCandidates(UnsafeBufferPointer(logitsRow), k: TokenProbability.recordedCount).map {
                    TokenProbability(token: $0.index,
                                     probability: statistics.topProbability * Float(exp(Double($0.value - logitsRow[statistics.topId]))))
                }
                var result = RowStatistics(token: nil, tokenProbability: 0, topId: statistics.topId,
                                           topProbability: statistics.topProbability,
                                           secondProbability: statistics.secondProbability,
                                           entropyNats: statistics.entropyNats, topCandidates: tops)
                if let position = samplePositions[row] {
                    let readOnly = UnsafeBufferPointer(logitsRow)
                    let token = sampler.token(row: readOnly, statistics: statistics) {
                        noise.stream(.gumbel, step: step, position: position)
                    }
                    result.token = token
                    result.tokenProbability = Sampler.probability(of: token, row: readOnly, statistics: statistics)
                }
                return result
            }
        }
    }

    /// LLaDA sets the EOS logit to −∞ (logits_eos_inf); a value 10⁴ below the row's maximum has
    /// the same softmax (p underflows to 0) while keeping p·log p finite in the entropy.
    private static func suppress(_ token: Int, in row: UnsafeMutableBufferPointer<Float>) {
        guard row.indices.contains(token) else { return }
        row[token] = (row.max() ?? 0) - 10_000
    }
}

/// A model that answers a step's statistics itself, several canvases at once (a forward server).
public protocol StatisticsModel: DenoisingModel {
    func statistics(_ requests: [StatisticsRequest]) throws -> [[RowStatistics]]
}

public enum StatisticsModelError: Error, CustomStringConvertible, Equatable {
    case wrongRowCount(expected: Int, got: Int)

    public var description: String {
        switch self {
        case let .wrongRowCount(expected, got):
            return "the model answered \(got) rows' statistics for the \(expected) rows asked"
        }
    }
}

extension RowStatistics {
    /// Every row of `logits` as it is (no guidance, suppression or sampling): what the
    /// block-diffusion loops record of the rows they computed, for the heatmap and the inspector.
    public static func unsampled(_ logits: LogitsMatrix) -> [RowStatistics] {
        var rows = logits
        let request = StatisticsRequest(canvas: [], promptLength: 0, rows: Array(0..<logits.rows),
                                        samplePositions: Array(repeating: nil, count: logits.rows), step: 1, seed: 0,
                                        temperature: 0, maskId: -1, suppressedToken: nil, cfgScale: 0)
        return request.statistics(of: &rows)
    }
}
