/// R, a block decode's rule in a transcript's settings (version 4): the family's official loop
/// with every setting it has (docs/block-diffusion.md, "Flags"); B is the settings' block_length.
///
///     {"family": "sdar", "gen_length", "strategy", "steps_per_block", "threshold", "entropy_bound", "stop_ids"}
///     {"family": "fast_dllm_v2", "gen_length", "sub_block", "threshold", "stop_token"}
///     {"family": "llada2", "gen_length", "steps", "threshold", "edit_threshold"? (absent = no
///      editing), "post_steps", "minimal_topk", "eos_id"?, "early_stop"}
extension TranscriptLine {
    struct BlockRule: Codable {
        var family: String
        var genLength: Int
        var strategy: String?
        var stepsPerBlock: Int?
        var threshold: Double?
        var entropyBound: Double?
        var stopIds: [Int]?
        var subBlock: Int?
        var stopToken: Int?
        var steps: Int?
        var editThreshold: Double?
        var postSteps: Int?
        var minimalTopK: Int?
        var eosId: Int?
        var earlyStop: Bool?

        enum CodingKeys: String, CodingKey {
            case family, strategy, threshold, steps
            case genLength = "gen_length"
            case stepsPerBlock = "steps_per_block"
            case entropyBound = "entropy_bound"
            case stopIds = "stop_ids"
            case subBlock = "sub_block"
            case stopToken = "stop_token"
            case editThreshold = "edit_threshold"
            case postSteps = "post_steps"
            case minimalTopK = "minimal_topk"
            case eosId = "eos_id"
            case earlyStop = "early_stop"
        }

        init(_ settings: BlockDecodeSettings) {
            genLength = settings.generationLength
            family = settings.rule.family
            switch settings.rule {
            case let .sdar(rule):
                strategy = rule.strategy.rawValue
                stepsPerBlock = rule.stepsPerBlock
                threshold = rule.threshold
                entropyBound = rule.entropyBound
                stopIds = rule.stopIds
            case let .fastDLLMv2(rule):
                subBlock = rule.subBlockLength
                threshold = rule.threshold
                stopToken = rule.stopToken
            case let .llada2(rule):
                steps = rule.steps
                threshold = rule.threshold
                editThreshold = rule.editThreshold
                postSteps = rule.postSteps
                minimalTopK = rule.minimalTopK
                eosId = rule.eosId
                earlyStop = rule.earlyStop
            }
        }

        func decoded(blockLength: Int) -> Result<BlockDecodeSettings, FieldProblem> {
            func need<T>(_ value: T?, _ key: String) throws -> T {
                guard let value else { throw FieldProblem(field: "settings.block_rule.\(key)", problem: "missing for family \(family)") }
                return value
            }
            do {
                let rule: BlockDecodeRule
                switch family {
                case "sdar":
                    let name = try need(strategy, "strategy")
                    guard let strategy = SDARStrategy(rawValue: name) else {
                        throw FieldProblem(field: "settings.block_rule.strategy", problem:
                            "unknown strategy \"\(name)\" (\(SDARStrategy.allCases.map(\.rawValue).joined(separator: ", ")))")
                    }
                    rule = .sdar(SDARDecodeRule(strategy: strategy, stepsPerBlock: try need(stepsPerBlock, "steps_per_block"),
                                                threshold: try need(threshold, "threshold"),
                                                entropyBound: try need(entropyBound, "entropy_bound"),
                                                stopIds: try need(stopIds, "stop_ids")))
                case "fast_dllm_v2":
                    rule = .fastDLLMv2(FastDLLMv2DecodeRule(subBlockLength: try need(subBlock, "sub_block"),
                                                            threshold: try need(threshold, "threshold"),
                                                            stopToken: try need(stopToken, "stop_token")))
                case "llada2":
                    rule = .llada2(LLaDA2DecodeRule(steps: try need(steps, "steps"), threshold: try need(threshold, "threshold"),
                                                    editThreshold: editThreshold, postSteps: try need(postSteps, "post_steps"),
                                                    minimalTopK: try need(minimalTopK, "minimal_topk"), eosId: eosId,
                                                    earlyStop: try need(earlyStop, "early_stop")))
                default:
                    throw FieldProblem(field: "settings.block_rule.family",
                                       problem: "unknown family \"\(family)\" (sdar, fast_dllm_v2, llada2)")
                }
                return .success(BlockDecodeSettings(blockLength: blockLength, generationLength: genLength, rule: rule))
            } catch let problem as FieldProblem {
                return .failure(problem)
            } catch {
                return .failure(FieldProblem(field: "settings.block_rule", problem: "\(error)"))
            }
        }
    }
}
