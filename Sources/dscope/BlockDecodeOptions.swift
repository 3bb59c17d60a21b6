import ArgumentParser
import Decoder
import Foundation
import Models

/// The settings of the block-diffusion families' official loops (docs/block-diffusion.md,
/// "Flags"), for models whose config has a block length. Each family's defaults are its own
/// loop's, then generation_config.json's, when no flag is given. With them, `--block`,
/// `--gen-length`, `--threshold` and `--eb` of DecodeOptions keep their names; every threshold
/// is strict (`p > τ`) as in the official loops.
struct BlockDecodeOptions: ParsableArguments {
    @Option(name: .customLong("steps-per-block"), help: "Block models: denoising steps per block (SDAR denoising_steps, default 4; LLaDA2 num_inference_steps, default 32).")
    var stepsPerBlock: Int?
    @Option(help: "SDAR remasking strategy: low_confidence_static, low_confidence_dynamic (default), sequential or entropy_bounded.")
    var remasking: String?
    @Option(name: .customLong("sub-block"), help: "Fast-dLLM v2 small_block_size: masks are filled one sub-block at a time (default 8).")
    var subBlock: Int?
    @Option(help: "Block models: stop token ids, comma-separated (SDAR stopping_criteria_idx, Fast-dLLM v2 stop_token, LLaDA2 eos; default: generation_config.json eos_token_id, else config.json's).")
    var stop: String?
    @Option(name: .customLong("edit-threshold"), parsing: .unconditional, help: "LLaDA2.1 editing_threshold: a generated token is replaced when the model prefers another with p > τ (default 0.5; ≤ 0 turns editing off).")
    var editThreshold: Double?
    @Flag(name: .customLong("no-edit"), help: "LLaDA2: no editing (LLaDA2.0).") var noEdit = false
    @Option(name: .customLong("post-steps"), help: "LLaDA2 max_post_steps: steps after a block's masks are gone while they still edit (default 16).")
    var postSteps: Int?
    @Option(name: .customLong("minimal-topk"), help: "LLaDA2 minimal_topk: steps are capped at gen-length / this (default 1).")
    var minimalTopK: Int?
    @Flag(name: .customLong("no-early-stop"), help: "LLaDA2: decode every block even after an EOS (eos_early_stop off).") var noEarlyStop = false

    func validate() throws {
        try FlagBounds.check("--steps-per-block", stepsPerBlock, 1...DecodeLimits.maxSteps)
        try FlagBounds.check("--sub-block", subBlock, 1...DecodeLimits.maxGenerationLength)
        try FlagBounds.check("--post-steps", postSteps, 0...DecodeLimits.maxSteps)
        try FlagBounds.check("--minimal-topk", minimalTopK, 1...DecodeLimits.maxGenerationLength)
    }

    /// The family's rule with `decode`'s flags over its defaults.
    func settings(model: BlockDiffusionModel, architecture: String?, options: DecodeOptions,
                  defaults: GenerationDefaults, eosId: Int) throws -> BlockDecodeSettings {
        try refuseWholeCanvasFlags(options)
        let stopIds = try stop.map(DecodeCommand.parseIds) ?? defaults.stopIds ?? [eosId]
        let blockLength = options.block ?? defaults.blockLength ?? model.blockLength
        let generationLength = options.generationLength(defaults: defaults)
        let rule: BlockDecodeRule
        switch architecture {
        case SDARArchitecture.name:
            let name = remasking ?? SDARStrategy.lowConfidenceDynamic.rawValue
            guard let strategy = SDARStrategy(rawValue: name) else { throw BlockDecodeOptionError.unknownStrategy(name) }
            rule = .sdar(SDARDecodeRule(strategy: strategy, stepsPerBlock: stepsPerBlock ?? 4,
                                        threshold: options.threshold ?? 0.85, entropyBound: options.eb ?? 0.35, stopIds: stopIds))
        case FastDLLMv2Architecture.name:
            rule = .fastDLLMv2(FastDLLMv2DecodeRule(subBlockLength: subBlock ?? 8, threshold: options.threshold ?? 1,
                                                    stopToken: stopIds[0]))
        default:
            rule = .llada2(LLaDA2DecodeRule(steps: stepsPerBlock ?? 32, threshold: options.threshold ?? 0.7,
                                            editThreshold: noEdit ? nil : (editThreshold ?? 0.5), postSteps: postSteps ?? 16,
                                            minimalTopK: minimalTopK ?? 1, eosId: stopIds.first, earlyStop: !noEarlyStop))
        }
        let settings = BlockDecodeSettings(blockLength: blockLength, generationLength: generationLength, rule: rule)
        try settings.validate()
        return settings
    }

    /// The whole-canvas rules have no meaning in these loops; saying so beats ignoring them.
    private func refuseWholeCanvasFlags(_ options: DecodeOptions) throws {
        let given: [(String, Bool)] = [
            ("--order", options.order != nil), ("--steps", options.steps != nil), ("--timesteps", options.timesteps != nil),
            ("--factor", options.factor != nil), ("--cache", options.cache != .exact), ("--cfg", options.cfg != 0),
            ("--no-eos", options.noEOS), ("--eos-last", options.eosLast),
            ("--temperature", (options.temperature ?? 0) != 0),
        ]
        if let flag = given.first(where: \.1)?.0 { throw BlockDecodeOptionError.wholeCanvasFlag(flag) }
    }
}

enum BlockDecodeOptionError: UserFacingError {
    case unknownStrategy(String)
    case wholeCanvasFlag(String)

    var description: String {
        switch self {
        case let .unknownStrategy(name):
            "--remasking \(name): use " + SDARStrategy.allCases.map(\.rawValue).joined(separator: ", ")
        case let .wholeCanvasFlag(flag):
            "\(flag) is not a setting of the block-diffusion loops (this model decodes block by block at temperature 0); use --steps-per-block, --threshold, --remasking, --sub-block, --stop, --edit-threshold or --post-steps"
        }
    }
}

extension BlockDecodeError: UserFacingError {}
extension BlockCacheError: UserFacingError {}

/// `dscope decode --json` for a block model: the ids as the official loop returns them and the
/// step trace in tools/block_trace.py's shape.
struct BlockDecodeReport: Encodable {
    struct Step: Encodable {
        let kind: String
        let block: Int
        let step: Int
        let forward: [Int]
        let commits: [[Double]]
        let edits: [[Double]]
        let appended: [Double]?
    }

    let ids: [Int]
    let text: String?
    let forwards: Int
    let steps: [Step]

    init(_ result: BlockDecodeResult, text: String?) {
        ids = result.ids
        self.text = text
        forwards = result.forwards
        steps = result.steps.map { step in
            Step(kind: step.kind.rawValue, block: step.block, step: step.step,
                 forward: [step.forward.lowerBound, step.forward.count],
                 commits: step.commits.map { [Double($0.position), Double($0.token), Double($0.probability)] },
                 edits: step.edits.map { [Double($0.position), Double($0.old), Double($0.new), Double($0.probability)] },
                 appended: step.appended.map { [Double($0.position), Double($0.token), Double($0.probability)] })
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
