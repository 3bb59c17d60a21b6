import Decoder
import Foundation

/// The app without the terminal: the decodes on screen, what the user chose to see, playback and
/// messages. Every key lands in `perform`; the app loop only feeds input, calls `tick` and draws
/// `screen`, so the whole behaviour is testable with a scripted model.
@MainActor
public final class ScopeController {
    /// Where decodes come from: a model that can decode any prompt, or one recording.
    enum Source {
        case live(ScopeModel)
        case replay
    }

    let source: Source
    /// One decode, or two stepping in lockstep in compare mode.
    var decodes: [ScopeDecode]
    /// The single decode put aside while comparing, restored when compare mode ends.
    var beforeCompare: ScopeDecode?
    public var palette: Palette
    public let keyMap: KeyMap
    public var exportDirectory: URL
    var options = ScopeOptions()

    /// The heat scale's top (`--entropy-scale`).
    public var entropyScale: EntropyScale {
        get { options.entropyScale }
        set { options.entropyScale = newValue }
    }
    var speed = PlaybackSpeed()
    var playback: Playback
    /// `G` on a live decode: play with no pause until every mask is decoded (or, after `:N`,
    /// until `stepTarget` is reached).
    var runningToEnd = false
    var stepTarget: Int?
    var stepTask: Task<Void, Never>?
    /// Steps and settings changes asked for while a step was in flight, done in order once it
    /// lands: a forward under way cannot be interrupted, so cancelling it would gain nothing.
    var queued: [Action] = []
    /// Step counts before the step in flight, to roll a cancelled lockstep step back exactly.
    var countsBeforeStep: [Int] = []
    var stepStarted: ContinuousClock.Instant?
    var nextStepDue: ContinuousClock.Instant
    var message: (text: String, until: ContinuousClock.Instant)?
    /// An export asked for: it runs on the first tick after a frame showing "exporting…".
    var pendingExport: PendingExport?
    enum PendingExport { case requested, announced }
    /// The last size drawn: the size export records its frames at.
    var screenSize = (width: 120, height: 40)
    private var lastFrame: (key: FrameKey, screen: Screen)?
    public internal(set) var wantsQuit = false
    let clock = ContinuousClock()

    /// Long enough to read a path; the next action retires a message sooner.
    static let messageLifetime: Duration = .seconds(5)
    /// Shorter steps would make "computing…" flicker on every step of a small model.
    static let computingNoticeDelay: Duration = .milliseconds(150)

    init(source: Source, decode: ScopeDecode, palette: Palette, keyMap: KeyMap = .standard,
         exportDirectory: URL, playing: Bool) {
        self.source = source
        decodes = [decode]
        self.palette = palette
        self.keyMap = keyMap
        self.exportDirectory = exportDirectory
        playback = playing ? .playing : .paused
        nextStepDue = clock.now
    }

    /// A live decode of `prompt` with the model.
    /// `task`: the held-out task `prompt` is, whose answer the status bar checks.
    /// `promptIds` gives the prompt as ids (no tokenizer needed); `prompt` is then only its label.
    public static func live(model: ScopeModel, prompt: String, promptIds: [Int]? = nil, task: EvalTask? = nil,
                            settings: DecodeSettings, palette: Palette, exportDirectory: URL,
                            playing: Bool = true) throws -> ScopeController {
        let decode = try model.decode(prompt: prompt, promptIds: try promptIds ?? model.encodePrompt(prompt), settings: settings,
                                      task: task)
        return ScopeController(source: .live(model), decode: decode, palette: palette, exportDirectory: exportDirectory,
                               playing: playing)
    }

    /// A recording stepped through without a model.
    public static func replay(_ transcript: Transcript, palette: Palette, exportDirectory: URL,
                              playing: Bool = true) throws -> ScopeController {
        try replay([transcript], palette: palette, exportDirectory: exportDirectory, playing: playing)
    }

    /// A recording that can branch into a live decode: its steps replay without the model, and a
    /// settings key (or a step past its end) runs `model` from there. The model must be the one
    /// that decoded it (the caller checks the configuration hash). A block decode's loop is first
    /// re-run along its first `rerunSteps` records (default all; `onRerun` sees each), which
    /// must match them, and decodes live past them.
    public static func branchable(_ transcript: Transcript, model: ScopeModel, palette: Palette, exportDirectory: URL,
                                  playing: Bool = true, rerunSteps: Int? = nil,
                                  onRerun: (Int) -> Void = { _ in }) throws -> ScopeController {
        let header = transcript.header
        let prompt = header.promptText ?? transcript.tokenText?.text(header.promptIds) ?? ""
        let task = header.taskId.map { EvalTask(id: $0, prompt: prompt, answer: header.expectedAnswer ?? "") }
        var model = model
        let decode: ScopeDecode
        if let settings = transcript.steps.first?.settings.block ?? header.settings.block {
            model.blockSettings = settings
            decode = try BlockLiveDecode.rerun(transcript, model: model, settings: settings, prompt: prompt, task: task,
                                               count: rerunSteps ?? transcript.steps.count, onStep: onRerun)
        } else {
            let live = try LiveDecode(model: model, prompt: prompt, promptIds: header.promptIds, settings: header.settings,
                                      task: task)
            try live.session.keep(recorded: transcript.steps)
            decode = live
        }
        return ScopeController(source: .live(model), decode: decode, palette: palette, exportDirectory: exportDirectory,
                               playing: playing)
    }

    /// One recording, or two side by side stepping in lockstep as compare mode does (the first on
    /// the left).
    public static func replay(_ transcripts: [Transcript], palette: Palette, exportDirectory: URL,
                              playing: Bool = true) throws -> ScopeController {
        let replays = try transcripts.prefix(2).map { try ReplayDecode($0) }
        let controller = ScopeController(source: .replay, decode: replays[0], palette: palette,
                                         exportDirectory: exportDirectory, playing: playing)
        controller.decodes = replays
        return controller
    }

    var isComparing: Bool { decodes.count > 1 }
    var isStepping: Bool { stepTask != nil }

    // MARK: - Drawing

    public func screen(width: Int, height: Int) -> Screen {
        screenSize = (width, height)
        if pendingExport == .requested { pendingExport = .announced }
        var options = self.options
        options.speed = runningToEnd ? "to the end" : speed.label
        let key = FrameKey(decodes: decodes.map(ObjectIdentifier.init), steps: decodes.map(\.stepCount),
                           settings: decodes.map(\.settings), options: options, playback: playback,
                           computing: isComputing, message: message?.text, width: width, height: height, palette: palette)
        if let last = lastFrame, last.key == key { return last.screen }
        let snapshots = self.snapshots()
        let screen = ScopeView(primary: snapshots[0], comparison: snapshots.count > 1 ? snapshots[1] : nil,
                               options: options, palette: palette, keyMap: keyMap).render(width: width, height: height)
        lastFrame = (key, screen)
        return screen
    }

    /// Everything a frame depends on: the loop asks for a frame on every key and timeout, and
    /// rendering one costs far more than comparing these.
    struct FrameKey: Equatable {
        var decodes: [ObjectIdentifier]
        var steps: [Int]
        var settings: [DecodeSettings]
        var options: ScopeOptions
        var playback: Playback
        var computing: Bool
        var message: String?
        var width: Int
        var height: Int
        var palette: Palette
    }

    var isComputing: Bool {
        stepStarted.map { clock.now - $0 >= Self.computingNoticeDelay } ?? false
    }

    func snapshots() -> [DecodeSnapshot] {
        let computing = isComputing
        let scale = options.entropyScale.nats(firstSteps: decodes.compactMap(\.history.first),
                                              logitColumns: decodes[0].vocabulary.logitColumns)
        var snapshots = decodes.map { decode in
            var snapshot = DecodeSnapshot(decode, entropyScaleNats: scale, playback: playback, isComputing: computing,
                                          message: message?.text)
            snapshot.entropyScale = options.entropyScale
            return snapshot
        }
        if let position = options.inspected, decodes[0].canvas.states.indices.contains(position) {
            snapshots[0].inspection = PositionInspection(position: position, of: decodes[0])
        }
        return snapshots
    }

    /// How long the loop may wait for a key before the next `tick` has something to do.
    public var inputTimeoutMillis: Int32 {
        if pendingExport == .announced { return 0 }
        if isStepping { return 15 }
        if playback == .playing {
            let wait = (nextStepDue - clock.now).components
            let millis = Double(wait.seconds) * 1000 + Double(wait.attoseconds) / 1e15
            return Int32(min(250, max(5, millis)))
        }
        return 250
    }

    // MARK: - Time

    /// Starts the next step when playing and due, and retires old messages.
    public func tick() {
        if let message, clock.now >= message.until { self.message = nil }
        if pendingExport == .announced {
            pendingExport = nil
            export()
        }
        guard playback == .playing, !isStepping, clock.now >= nextStepDue else { return }
        if let stepTarget, decodes.allSatisfy({ $0.stepCount >= stepTarget || !$0.canStepForward }) { return pause() }
        if decodes.contains(where: \.canStepForward) {
            startStep()
        } else {
            pause()
        }
    }

    func show(_ text: String) {
        message = (text, clock.now + Self.messageLifetime)
    }

    /// A status message from outside, e.g. the held-out task's expected answer at start.
    public func announce(_ text: String) {
        show(text)
    }

    func pause() {
        playback = .paused
        runningToEnd = false
        stepTarget = nil
    }

    func play() {
        playback = .playing
        nextStepDue = clock.now
    }

    // MARK: - Stepping

    /// Steps every decode that has masks left, one after the other (the forward queue runs one
    /// forward at a time anyway); the forwards run off this thread.
    func startStep() {
        guard !isStepping else { return }
        let stepping = decodes.filter(\.canStepForward)
        guard !stepping.isEmpty else {
            show("the decode is complete: , steps back, g goes to the start, r restarts")
            return
        }
        countsBeforeStep = decodes.map(\.stepCount)
        stepStarted = clock.now
        stepTask = Task { [weak self] in
            var cancelled = false
            do {
                for decode in stepping { try await decode.stepForward() }
            } catch is CancellationError {
                cancelled = true
            } catch {
                self?.pause()
                self?.show("step failed: \(error)")
            }
            await self?.stepFinished(cancelled: cancelled)
        }
    }

    private func stepFinished(cancelled: Bool) async {
        if cancelled {
            for (decode, count) in zip(decodes, countsBeforeStep) { try? decode.back(toStep: count) }
        }
        // The pause counts from the step's start, so the rate matches the label when steps are quick.
        nextStepDue = (stepStarted ?? clock.now) + (runningToEnd ? .zero : speed.pause)
        stepTask = nil
        stepStarted = nil
        while !cancelled, !isStepping, !queued.isEmpty {
            let action = queued.removeFirst()
            if action == .stepForward {
                startStep()
            } else {
                await perform(action)
            }
        }
    }

    /// Stops a step in flight (and drops what was queued behind it) and waits until the decodes
    /// are as they were before it.
    func cancelStep() async {
        queued = []
        guard let task = stepTask else { return }
        task.cancel()
        await task.value
    }

    /// Waits until the step in flight and the queued ones have landed.
    public func waitForSteps() async {
        while let task = stepTask { await task.value }
    }

    func stepBack() async {
        await cancelStep()
        let target = max(0, (decodes.map(\.stepCount).max() ?? 0) - 1)
        attempt { for decode in decodes { try decode.back(toStep: target) } }
    }

    func toStart() async {
        await cancelStep()
        attempt { for decode in decodes { try decode.back(toStep: 0) } }
        options.scroll = .follow
    }

    /// A replay jumps to its last step; a live decode plays with no pause until it is complete.
    func toEnd() async {
        options.scroll = .follow
        guard case .live = source else {
            for decode in decodes { while decode.canStepForward { try? await decode.stepForward() } }
            return
        }
        // Steps decoded before and stepped back over come back without the model.
        attempt { for decode in decodes { while try decode.redo() {} } }
        guard decodes.contains(where: \.canStepForward) else { return pause() }
        runningToEnd = true
        play()
    }

    /// Runs a decode change, showing its error in the status bar rather than ending the session.
    func attempt(_ change: () throws -> Void) {
        do { try change() } catch { show("\(error)") }
    }
}
