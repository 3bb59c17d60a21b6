import ArgumentParser
import Decoder
import Foundation
import Models

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode one prompt without the TUI and print the answer.",
        discussion: """
        Prints the generated text (the ids, comma-separated, when the model folder has no \
        tokenizer.json); with --json one summary object instead. Defaults follow LLaDA's \
        generate.py: one block, one token per step (--steps = --gen-length), temperature 0.
        """
    )

    @Option(help: "The prompt text (needs the model's tokenizer.json).") var prompt: String?
    @Option(name: .customLong("prompt-ids"), help: "The prompt as comma-separated token ids, e.g. 1,2,3 (no tokenizer needed).")
    var promptIds: String?
    @Flag(inversion: .prefixedNo,
          help: "Render --prompt as one user turn of the model's chat template, when it has one.")
    var chat = true
    @OptionGroup var model: ModelOptions

    @OptionGroup var options: DecodeOptions
    @OptionGroup var blockOptions: BlockDecodeOptions
    @OptionGroup var perStep: TokensPerStepOption
    @Option(help: "Write a JSON Lines transcript of every step to FILE.") var transcript: String?
    @Flag(help: "Print one JSON summary object (text, ids, step_map, steps, forward_passes, …).") var json = false

    func run() throws {
        let loaded = try model.load()
        if let blockModel = loaded.model as? BlockDiffusionModel, blockModel.isBlockDiffusion {
            return try runBlocks(loaded, model: blockModel)
        }
        let generationLength = options.generationLength(defaults: try loaded.location.generationDefaults)
        let settings = try options.settings(generationLength: generationLength, tokensPerStep: perStep.k)
        let tokenText = loaded.tokenText
        let ids = try promptTokens(loaded)
        loaded.warnIfBeyondContext(promptLength: ids.count, generationLength: generationLength, allowed: options.allowBeyondContext)
        let session = try DecodeSession(model: loaded.model, promptIds: ids, generationLength: generationLength,
                                        settings: settings, vocabulary: loaded.vocabulary,
                                        allowBeyondContext: options.allowBeyondContext)

        let progress = isatty(STDERR_FILENO) == 1
        try session.runToEnd { record in
            guard progress else { return }
            fprintInPlace(String(format: "step %d · %d masked · %.0f ms/step", record.step,
                                 session.canvas.maskedCount, record.stepMillis))
        }
        if progress { fprint("") }

        let summary = session.summary(tokenText: tokenText)
        if let transcript {
            let record = Transcript(session: session, model: loaded.identity,
                                    tool: "dscope \(DScopeVersion.string)", promptText: prompt, tokenText: tokenText)
            do { try record.write(to: URL(fileURLWithPath: transcript)) } catch {
                throw DecodeCommandError.transcriptNotWritten(path: transcript, reason: error.localizedDescription)
            }
        }
        if json {
            print(try summary.json())
        } else {
            // The tokenizer's bytes can spell anything, escape sequences included.
            print((summary.text ?? summary.ids.map(String.init).joined(separator: ","))
                .terminalSafe(limit: nil, keepingLineBreaks: true))
        }
    }

    /// A block-diffusion model decodes by its family's official loop on the exact block cache.
    private func runBlocks(_ loaded: LoadedModel, model: BlockDiffusionModel) throws {
        if perStep.k != nil { throw BlockDecodeOptionError.wholeCanvasFlag("--k") }
        let settings = try blockOptions.settings(model: model, architecture: loaded.configuration?.architecture.name,
                                                 options: options, defaults: try loaded.location.generationDefaults,
                                                 eosId: loaded.vocabulary.eosId)
        let ids = try promptTokens(loaded)
        let progress = isatty(STDERR_FILENO) == 1
        var recorder = BlockStepRecorder(modelName: model.modelName, promptIds: ids, settings: settings,
                                         maskId: loaded.vocabulary.maskId)
        // Each step is timed from the previous one's end: the forward and the loop's decision.
        var last = DispatchTime.now().uptimeNanoseconds
        let result = try BlockDecode.run(model: model, prompt: ids, settings: settings, maskId: loaded.vocabulary.maskId) { step in
            let now = DispatchTime.now().uptimeNanoseconds
            if transcript != nil { try recorder.append(step, settings: settings, millis: Double(now - last) / 1e6) }
            last = now
            guard progress else { return }
            fprintInPlace("block \(step.block) · \(step.kind.rawValue) step \(step.step)")
        }
        if progress { fprint("") }
        if let transcript {
            let record = Transcript(blockDecode: recorder, settings: settings, vocabulary: loaded.vocabulary,
                                    model: loaded.identity, tool: "dscope \(DScopeVersion.string)", promptText: prompt,
                                    tokenText: loaded.tokenText)
            do { try record.write(to: URL(fileURLWithPath: transcript)) } catch {
                throw DecodeCommandError.transcriptNotWritten(path: transcript, reason: error.localizedDescription)
            }
        }
        let generated = result.canvas[result.promptLength...].filter { $0 != loaded.vocabulary.maskId }
        let text = loaded.tokenText?.text(Array(generated))
        if json {
            print(try BlockDecodeReport(result, text: text).json())
        } else {
            print(text ?? result.ids.map(String.init).joined(separator: ","))
        }
    }

    private func promptTokens(_ loaded: LoadedModel) throws -> [Int] {
        switch (prompt, promptIds) {
        case let (nil, list?):
            return try Self.parseIds(list)
        case let (text?, nil):
            return try loaded.promptIds(for: text, chat: chat)
        default:
            throw DecodeCommandError.promptSource
        }
    }

    /// "1,2,3" → [1, 2, 3].
    static func parseIds(_ list: String) throws -> [Int] {
        let fields = list.split(separator: ",", omittingEmptySubsequences: false)
        let ids = fields.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !fields.isEmpty, ids.count == fields.count, ids.allSatisfy({ $0 >= 0 }) else {
            throw DecodeCommandError.badPromptIds(list)
        }
        return ids
    }
}

/// How to decode: the flags every decoding command shares (decode, bench decode, passk, tradeoff).
/// Numeric rule values take the next word whatever it looks like, so `--temperature -1` reaches
/// the settings' check ("must be ≥ 0") instead of reading as a missing value.
struct DecodeOptions: ParsableArguments {
    @Option(help: "Which masks go first: confidence, margin, entropy, random, ar, or origin (Dream's random flips; needs --timesteps) (default confidence).") var order: String?
    @Option(help: "Semi-autoregressive block length (must divide --gen-length); default: one block.") var block: Int?
    @Option(help: "LLaDA's fixed schedule: forward passes for the whole generation, split evenly over the blocks.")
    var steps: Int?
    @Option(help: "Dream's timestep schedule: forward passes for the whole generation; step i of n commits ⌊masks·(1 − t[i+1]/t[i])⌋, t = linspace(1, 0.001, n+1).")
    var timesteps: Int?
    @Option(parsing: .unconditional, help: "Fast-dLLM confidence threshold τ: commit every mask with p ≥ τ (at least one).") var threshold: Double?
    @Option(parsing: .unconditional, help: "Fast-dLLM factor f: the n-th best commits while p ≥ 1 − f/(n+1).") var factor: Double?
    @Option(parsing: .unconditional, help: "EB-sampler entropy bound γ: the largest prefix with ΣH − max H ≤ γ.") var eb: Double?
    @Option(name: .customLong("gen-length"), help: "Generated positions (default: the model's generation_config.json, else 128).")
    var genLength: Int?
    @Option(parsing: .unconditional, help: "0 = argmax; > 0 = Gumbel-max sampling of softmax(logits/T) (default 0; passk: 1).") var temperature: Double?
    @Option(help: "Seed of every random draw (sampling, random order).") var seed: UInt64 = 0
    @Option(parsing: .unconditional, help: "Classifier-free guidance scale (0 = off; costs a second forward per step).") var cfg: Float = 0
    @Flag(name: .customLong("no-eos"), help: "Never generate EOS (LLaDA's logits_eos_inf).") var noEOS = false
    @Flag(name: .customLong("eos-last"), help: "Commit EOS/EoT only after every other candidate of the block (LLaDA's confidence_eos_eot_inf).")
    var eosLast = false
    @Option(help: "Fast-dLLM cache: exact (every step runs the whole canvas), prefix or dual (approximate; pair with --block, e.g. 32).")
    var cache: CacheMode = .exact
    @Flag(name: .customLong("allow-beyond-context"),
          help: "Decode even when prompt + generation exceed the model's context (max_sequence_length); decode and export warn on stderr.")
    var allowBeyondContext = false

    func validate() throws {
        let length = 1...DecodeLimits.maxGenerationLength
        try FlagBounds.check("--gen-length", genLength, length)
        try FlagBounds.check("--block", block, length)
        try FlagBounds.check("--steps", steps, 1...DecodeLimits.maxSteps)
        try FlagBounds.check("--timesteps", timesteps, 1...DecodeLimits.maxSteps)
    }

    func generationLength(defaults: GenerationDefaults) -> Int {
        genLength ?? defaults.generationLength ?? 128
    }

    func settings(generationLength: Int, tokensPerStep: Int? = nil, defaultTemperature: Double = 0) throws -> DecodeSettings {
        let order = self.order ?? DecodeOrder.confidence.rawValue
        guard let decodeOrder = DecodeOrder(rawValue: order) else { throw DecodeCommandError.unknownOrder(order) }
        let rules: [(String, ParallelismRule?)] = [
            ("--steps", steps.map { .schedule(steps: $0) }), ("--timesteps", timesteps.map { .timesteps(steps: $0) }),
            ("--k", tokensPerStep.map { .perStep(k: $0) }),
            ("--threshold", threshold.map { .threshold($0) }), ("--factor", factor.map { .factor($0) }),
            ("--eb", eb.map { .entropyBound($0) }),
        ].filter { $0.1 != nil }
        guard rules.count <= 1 else { throw DecodeCommandError.severalRules(rules.map(\.0)) }
        let settings = DecodeSettings(order: decodeOrder, blockLength: block,
                                      parallelism: rules.first?.1 ?? .schedule(steps: generationLength),
                                      temperature: temperature ?? defaultTemperature, seed: seed, cfgScale: cfg,
                                      suppressEOS: noEOS, deferEndOfText: eosLast, cache: cache)
        try settings.validate(generationLength: generationLength)
        return settings
    }

}

/// `--k`, tokens per step: apart from DecodeOptions because `dscope passk --k` names the k of pass@k.
struct TokensPerStepOption: ParsableArguments {
    @Option(help: "Tokens per step.") var k: Int?

    func validate() throws {
        try FlagBounds.check("--k", k, 1...DecodeLimits.maxGenerationLength)
    }
}

enum DecodeCommandError: UserFacingError {
    case unknownOrder(String)
    case severalRules([String])
    case badPromptIds(String)
    case promptSource
    case noTokenizer(folder: String)
    case transcriptNotWritten(path: String, reason: String)

    var description: String {
        switch self {
        case let .unknownOrder(order):
            return "--order \(order): use confidence, margin, entropy, random, ar or origin"
        case let .severalRules(flags):
            return "\(flags.joined(separator: " and ")) are alternatives: give at most one parallelism rule"
        case let .badPromptIds(list):
            return "--prompt-ids \"\(list)\": give non-negative integers separated by commas, e.g. 1,2,3"
        case .promptSource:
            return "give exactly one of --prompt TEXT or --prompt-ids 1,2,3"
        case let .noTokenizer(folder):
            return "\(folder): no tokenizer.json, so --prompt TEXT cannot be tokenized; pass --prompt-ids instead"
        case let .transcriptNotWritten(path, reason):
            return "\(path): cannot write the transcript: \(reason)"
        }
    }
}

extension DecodeSettingsError: UserFacingError {}
extension DecodeSessionError: UserFacingError {}
extension DecodeStepError: UserFacingError {}
extension TranscriptError: UserFacingError {}

/// Rewrites the current stderr line (progress on a terminal).
func fprintInPlace(_ message: String) {
    FileHandle.standardError.write(Data(("\r\u{1B}[K" + message).utf8))
}

extension CacheMode: ExpressibleByArgument {}
