/// The JSON shape of each transcript line. Format "dscope-transcript", version 3: UTF-8 JSON
/// Lines, sorted snake_case keys, optional values left out (null only inside arrays and for the
/// summary's text); positions are offsets into the generated part.
///
///     header   {"type": "header", "format", "version", "tool", "model": {"id", "config_hash"},
///               "tokenizer"?, "prompt": {"text"?, "ids"}, "generation_length",
///               "vocabulary": {"mask_id", "eos_id", "eot_id"?, "logit_columns"}, "settings": S,
///               "task"?: {"id", "expected_answer"?}}
///     step s   {"type": "step", "step", "block", "commits": [{"position", "token", "piece"?,
///               "confidence", "entropy_nats", "margin", "rank"}], "masked_entropy_nats": [H or
///               null per position; under the dual cache a mask after the block carries the value
///               of the block's first step], "masked_guesses"?: [token or null per position],
///               "top_candidates"?: [null, or the five likeliest [token, p] of this step's forward,
///               per position masked at it (its commits included)], "edits"? (version 3):
///               [{"position", "old", "new", "piece"?, "probability"}] decoded tokens the step
///               replaced, "kind"?, "forward"? (version 4, block decodes: "prefill", "denoise",
///               "post" or "store", and [first RoPE position, count] computed), "forward_passes",
///               "forward_ms", "step_ms", "settings": S on step 1 and after a branch}
///     summary  {"type": "summary", "text", "ids", "step_map": [step or null], "steps",
///               "forward_passes", "complete", "decode_ms", "tokens_per_second"}
///     S        {"order", "block_length"?, "parallelism": {"rule", …}, "temperature", "seed",
///               "cfg_scale", "suppress_eos", "defer_end_of_text", "cache"? ("prefix" or "dual";
///               absent = exact)}; a block decode (version 4) instead {"block_rule": R,
///               "block_length", "cache": "exact_block", "temperature": 0, …} without order and
///               parallelism; R in TranscriptBlockRule.swift
enum TranscriptLine {
    struct Kind: Decodable {
        var type: String
    }

    struct Header: Codable {
        var type = "header"
        var format: String
        var version: Int
        var tool: String
        var model: Model
        var tokenizer: String?
        var prompt: Prompt
        var generationLength: Int
        var vocabulary: Vocabulary
        var settings: Settings
        /// Version 2: the held-out task the prompt came from.
        var task: Task?

        enum CodingKeys: String, CodingKey {
            case type, format, version, tool, model, tokenizer, prompt, vocabulary, settings, task
            case generationLength = "generation_length"
        }
    }

    struct Task: Codable {
        var id: String
        var expectedAnswer: String?

        enum CodingKeys: String, CodingKey {
            case id
            case expectedAnswer = "expected_answer"
        }
    }

    /// `[token, p]`: five per masked position per step, so kept short.
    struct Candidate: Codable {
        var token: Int
        var probability: Float

        init(token: Int, probability: Float) {
            self.token = token
            self.probability = probability
        }

        init(from decoder: Decoder) throws {
            var pair = try decoder.unkeyedContainer()
            token = try pair.decode(Int.self)
            probability = try pair.decode(Float.self)
        }

        func encode(to encoder: Encoder) throws {
            var pair = encoder.unkeyedContainer()
            try pair.encode(token)
            try pair.encode(probability)
        }
    }

    struct Model: Codable {
        var id: String
        var configHash: String

        enum CodingKeys: String, CodingKey {
            case id
            case configHash = "config_hash"
        }
    }

    struct Prompt: Codable {
        var text: String?
        var ids: [Int]
    }

    struct Vocabulary: Codable {
        var maskId: Int
        var eosId: Int
        var eotId: Int?
        var logitColumns: Int

        enum CodingKeys: String, CodingKey {
            case maskId = "mask_id"
            case eosId = "eos_id"
            case eotId = "eot_id"
            case logitColumns = "logit_columns"
        }
    }

    struct Settings: Codable {
        /// Absent in a block decode (its rule decides).
        var order: DecodeOrder?
        var blockLength: Int?
        var parallelism: Parallelism?
        var temperature: Double
        var seed: UInt64
        var cfgScale: Float
        var suppressEOS: Bool
        var deferEndOfText: Bool
        var cache: Cache?
        /// Version 4: a block-diffusion model's official loop.
        var blockRule: BlockRule?

        enum CodingKeys: String, CodingKey {
            case order, parallelism, temperature, seed, cache
            case blockRule = "block_rule"
            case blockLength = "block_length"
            case cfgScale = "cfg_scale"
            case suppressEOS = "suppress_eos"
            case deferEndOfText = "defer_end_of_text"
        }
    }

    /// Whole-canvas caches, and the block models' exact block cache.
    enum Cache: String, Codable {
        case exact, prefix, dual
        case exactBlock = "exact_block"
    }

    /// `{"rule": "schedule", "steps": 128}`, `{"rule": "per_step", "k": 2}`,
    /// `{"rule": "threshold", "tau": 0.9}`, `{"rule": "factor", "f": 1}`,
    /// `{"rule": "entropy_bound", "gamma": 0.5}`, `{"rule": "timesteps", "steps": 128}`.
    struct Parallelism: Codable {
        var rule: String
        var steps: Int?
        var k: Int?
        var tau: Double?
        var f: Double?
        var gamma: Double?
    }

    struct Step: Codable {
        var type = "step"
        var step: Int
        var block: Int
        var commits: [Commit]
        var maskedEntropyNats: [Float?]
        /// Optional so that transcripts written before guesses were recorded still read.
        var maskedGuesses: [Int?]?
        /// Version 2.
        var topCandidates: [[Candidate]?]?
        /// Version 3; absent when the step edited nothing.
        var edits: [Edit]?
        /// Version 4, block decodes: the forward's kind and [first position, count].
        var kind: String?
        var forward: [Int]?
        var forwardPasses: Int
        var forwardMillis: Double
        var stepMillis: Double
        /// Present on the first step and wherever the settings changed (a branch).
        var settings: Settings?

        enum CodingKeys: String, CodingKey {
            case type, step, block, commits, settings, edits, kind, forward
            case maskedEntropyNats = "masked_entropy_nats"
            case maskedGuesses = "masked_guesses"
            case topCandidates = "top_candidates"
            case forwardPasses = "forward_passes"
            case forwardMillis = "forward_ms"
            case stepMillis = "step_ms"
        }
    }

    struct Commit: Codable {
        var position: Int
        var token: Int
        var piece: String?
        var confidence: Float
        var entropyNats: Float
        var margin: Float
        var rank: Int

        enum CodingKeys: String, CodingKey {
            case position, token, piece, confidence, margin, rank
            case entropyNats = "entropy_nats"
        }
    }

    struct Edit: Codable {
        var position: Int
        var old: Int
        var new: Int
        var piece: String?
        var probability: Float
    }

    struct Summary: Codable {
        var type = "summary"
        var text: String?
        var ids: [Int]
        var stepMap: [Int?]
        var steps: Int
        var forwardPasses: Int
        var complete: Bool
        var decodeMillis: Double
        /// Written for readers of the file; recomputed on reading.
        var tokensPerSecond: Double?

        enum CodingKeys: String, CodingKey {
            case type, text, ids, steps, complete
            case stepMap = "step_map"
            case forwardPasses = "forward_passes"
            case decodeMillis = "decode_ms"
            case tokensPerSecond = "tokens_per_second"
        }

        /// Writes `"text": null` without a tokenizer: readers of `--json` can rely on the key.
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(type, forKey: .type)
            try c.encode(text, forKey: .text)
            try c.encode(ids, forKey: .ids)
            try c.encode(stepMap, forKey: .stepMap)
            try c.encode(steps, forKey: .steps)
            try c.encode(forwardPasses, forKey: .forwardPasses)
            try c.encode(complete, forKey: .complete)
            try c.encode(decodeMillis, forKey: .decodeMillis)
            try c.encodeIfPresent(tokensPerSecond, forKey: .tokensPerSecond)
        }
    }
}

extension TranscriptLine.Settings {
    init(_ settings: DecodeSettings) {
        temperature = settings.temperature
        seed = settings.seed
        cfgScale = settings.cfgScale
        suppressEOS = settings.suppressEOS
        deferEndOfText = settings.deferEndOfText
        if let block = settings.block {
            blockLength = block.blockLength
            blockRule = TranscriptLine.BlockRule(block)
            cache = .exactBlock
            return
        }
        order = settings.order
        blockLength = settings.blockLength
        parallelism = TranscriptLine.Parallelism(settings.parallelism)
        cache = settings.cache == .exact ? nil : TranscriptLine.Cache(rawValue: settings.cache.rawValue)
    }

    /// The settings, or the field that is missing or unknown.
    func decoded() -> Result<DecodeSettings, FieldProblem> {
        if let blockRule {
            guard let blockLength else { return .failure(FieldProblem(field: "settings.block_length", problem: "missing for a block rule")) }
            guard cache == .exactBlock else {
                return .failure(FieldProblem(field: "settings.cache", problem: "a block rule decodes on the exact_block cache"))
            }
            return blockRule.decoded(blockLength: blockLength).map { DecodeSettings(block: $0) }
        }
        guard let order else { return .failure(FieldProblem(field: "settings.order", problem: "missing")) }
        guard let parallelism else { return .failure(FieldProblem(field: "settings.parallelism", problem: "missing")) }
        let mode: CacheMode
        switch cache {
        case nil, .exact?: mode = .exact
        case .prefix?: mode = .prefix
        case .dual?: mode = .dual
        case .exactBlock?:
            return .failure(FieldProblem(field: "settings.cache", problem: "exact_block needs a block_rule"))
        }
        return parallelism.decoded().map {
            DecodeSettings(order: order, blockLength: blockLength, parallelism: $0, temperature: temperature,
                           seed: seed, cfgScale: cfgScale, suppressEOS: suppressEOS,
                           deferEndOfText: deferEndOfText, cache: mode)
        }
    }
}

/// A field of a line and what is wrong with it.
struct FieldProblem: Error {
    var field: String
    var problem: String
}

extension TranscriptLine.Parallelism {
    init(_ rule: ParallelismRule) {
        switch rule {
        case let .schedule(steps): self.init(rule: "schedule", steps: steps)
        case let .perStep(k): self.init(rule: "per_step", k: k)
        case let .threshold(tau): self.init(rule: "threshold", tau: tau)
        case let .factor(f): self.init(rule: "factor", f: f)
        case let .entropyBound(gamma): self.init(rule: "entropy_bound", gamma: gamma)
        case let .timesteps(steps): self.init(rule: "timesteps", steps: steps)
        }
    }

    func decoded() -> Result<ParallelismRule, FieldProblem> {
        func need<T>(_ value: T?, _ key: String) -> Result<T, FieldProblem> {
            value.map { .success($0) }
                ?? .failure(FieldProblem(field: "settings.parallelism.\(key)", problem: "missing for rule \(rule)"))
        }
        switch rule {
        case "schedule": return need(steps, "steps").map { .schedule(steps: $0) }
        case "per_step": return need(k, "k").map { .perStep(k: $0) }
        case "threshold": return need(tau, "tau").map { .threshold($0) }
        case "factor": return need(f, "f").map { .factor($0) }
        case "entropy_bound": return need(gamma, "gamma").map { .entropyBound($0) }
        case "timesteps": return need(steps, "steps").map { .timesteps(steps: $0) }
        default:
            return .failure(FieldProblem(field: "settings.parallelism.rule",
                                         problem: "unknown rule \"\(rule)\" (schedule, per_step, threshold, factor, entropy_bound, timesteps)"))
        }
    }
}
