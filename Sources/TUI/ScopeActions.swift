import Decoder
import Foundation

/// What each key does (issue 6's table; KeyMap binds the keys and the help overlay lists them).
extension ScopeController {
    public func perform(_ key: Key) async {
        if case .promptEntry(var editor) = options.overlay {
            switch editor.handle(key) {
            case .editing: options.overlay = .promptEntry(editor)
            case .cancelled: options.overlay = nil
            case .submitted(let text):
                options.overlay = nil
                await decodePrompt(text)
            }
            return
        }
        if case .stepEntry(var editor) = options.overlay {
            switch editor.handle(key) {
            case .editing: options.overlay = .stepEntry(editor)
            case .cancelled: options.overlay = nil
            case .submitted(let text):
                options.overlay = nil
                await jump(to: text)
            }
            return
        }
        let action = keyMap.action(for: key)
        // Any key closes the help, as in less and btop; only quit also acts.
        if options.overlay == .help, action != .quit {
            options.overlay = nil
            return
        }
        if let action { await perform(action) }
    }

    public func perform(_ action: Action) async {
        if isStepping, Self.waitsForStep.contains(action) {
            return queued.append(action)
        }
        // A message speaks of the action that made it: the next action retires it.
        message = nil
        switch action {
        case .playPause: playOrPause()
        case .stepForward:
            pause()
            startStep()
        case .stepBack:
            pause()
            await stepBack()
        case .firstStep:
            pause()
            await toStart()
        case .lastStep: await toEnd()
        case .faster: if !speed.faster() { show("already at the top speed") }
        case .slower: if !speed.slower() { show("already at the slowest speed") }
        case .cycleOrder: changeSettings(comparisonOnly: true) { settings, _ in settings.nextOrder() }
        case .cycleBlockLength: changeSettings { $0.nextBlockLength(generationLength: $1) }
        case .cycleCache: changeSettings { settings, _ in settings.nextCache() }
        case .decreaseParallelism: changeSettings { $0.adjustingParallelism(more: false, generationLength: $1) }
        case .increaseParallelism: changeSettings { $0.adjustingParallelism(more: true, generationLength: $1) }
        case .cycleParallelismRule: changeSettings { $0.nextParallelismRule(generationLength: $1) }
        case .toggleEditing: toggleEditing()
        case .cycleColorMeasure:
            options.measure = options.measure.next
            show("colour: \(options.measure.label)")
        case .toggleGuesses:
            options.showGuesses.toggle()
            show(options.showGuesses ? "masks show the model's current guess" : "masks show their entropy")
        case .toggleInspector: toggleInspector()
        case .inspectNext: moveInspector(by: 1)
        case .inspectPrevious: moveInspector(by: -1)
        case .jumpToStep: options.overlay = .stepEntry(LineEditor())
        case .toggleCompare: toggleCompare()
        case .export: requestExport()
        case .newPrompt:
            guard case .live = source else { return needsModel("a new prompt") }
            options.overlay = .promptEntry(LineEditor())
        case .randomTask: await randomTask()
        case .restart:
            await toStart()
            play()
        case .scrollUp: scroll(up: true)
        case .scrollDown: scroll(up: false)
        case .toggleHelp: options.overlay = options.overlay == .help ? nil : .help
        case .closeOverlay: options.overlay = nil
        case .quit:
            await cancelStep()
            wantsQuit = true
        }
    }

    /// Actions that build on the step in flight; going back, a new prompt or quitting cancel it instead.
    static let waitsForStep: Set<Action> = [.stepForward, .cycleOrder, .cycleBlockLength, .cycleCache, .decreaseParallelism,
                                            .increaseParallelism, .cycleParallelismRule, .toggleCompare, .toggleEditing]

    private func playOrPause() {
        if playback == .playing { return pause() }
        guard decodes.contains(where: \.canStepForward) else {
            return show("the decode is complete: , steps back, r plays it again")
        }
        play()
    }

    private func needsModel(_ what: String) {
        show("a replay has no model, so \(what) needs one: decode live with dscope --prompt …")
    }

    /// Settings keys branch a live decode at the current step (a finished one starts over). In
    /// compare mode the order key changes only the right pane, keeping AR on the left as the
    /// baseline; the other keys change both.
    private func changeSettings(comparisonOnly: Bool = false,
                                _ transform: (DecodeSettings, _ generationLength: Int) -> DecodeSettings?) {
        guard case .live = source else { return needsModel("changing settings") }
        if refusedForBlocks("order, block length, cache and parallelism are") { return }
        let targets = (isComparing && comparisonOnly ? [decodes[1]] : decodes).compactMap { $0 as? LiveDecode }
        guard let first = targets.first else { return }
        let length = first.canvas.generationLength
        guard let changed = transform(first.settings, length) else {
            let rule = first.settings.parallelism
            return show("\(rule.ruleName) \(rule.valueLabel) is already the end of its ladder")
        }
        let step = first.stepCount, before = first.settings
        var startedOver = false
        attempt {
            for decode in targets {
                guard let settings = transform(decode.settings, length) else { continue }
                startedOver = try decode.change(to: settings) || startedOver
            }
            // Lockstep: when one pane starts over, so does the other.
            if startedOver { for decode in decodes { try decode.back(toStep: 0) } }
        }
        let change = changed.changes(from: before, generationLength: length)
        // A branch of the single decode needs no message: its status notice says the same.
        if startedOver {
            show("\(change): the decode was complete, so it starts over from step 0")
        } else if step == 0 || isComparing {
            show(step > 0 ? "\(change): the decode branches from step \(step)" : change)
        }
    }

    /// A block model decodes by its family's official loop, whose settings come from the command
    /// line: a whole-canvas key says so instead of doing nothing. True when it refused.
    private func refusedForBlocks(_ what: String) -> Bool {
        guard let block = decodes[0] as? BlockLiveDecode else { return false }
        let edits = block.session.settings.rule.family == "llada2" ? "; E toggles editing" : ""
        show("\(what) not settings of \(block.session.settings.rule.family)'s official loop (set them with dscope flags)\(edits)")
        return true
    }

    /// LLaDA2.1's editing threshold on or off from the current step.
    private func toggleEditing() {
        guard case .live = source else { return needsModel("toggling editing") }
        guard let block = decodes[0] as? BlockLiveDecode else {
            return show("editing is a setting of block-diffusion models (LLaDA2.1); this decode never edits")
        }
        attempt {
            guard let on = try block.toggleEditing() else {
                return show("\(block.session.settings.rule.family)'s loop never edits: editing is LLaDA2's")
            }
            show(on ? "editing on (threshold \(block.session.settings.editThreshold ?? 0)) from step \(block.stepCount)"
                    : "editing off from step \(block.stepCount)")
        }
    }

    private func toggleCompare() {
        guard case .live = source else { return needsModel("compare mode") }
        if refusedForBlocks("compare mode's orders are") { return }
        if let single = beforeCompare {
            decodes = [single]
            beforeCompare = nil
            return show("compare mode off")
        }
        guard let base = decodes.first as? LiveDecode else { return }
        var autoregressive = base.settings, arbitrary = base.settings
        autoregressive.order = .ar
        arbitrary.order = base.settings.order == .ar ? .confidence : base.settings.order
        attempt {
            decodes = [try base.fresh(settings: autoregressive), try base.fresh(settings: arbitrary)]
            beforeCompare = base
            options.scroll = .follow
            show("compare: ar vs \(arbitrary.order.rawValue) from step 0 in lockstep · o changes the right pane")
        }
    }

    /// Decodes `text` from step 0 with the current settings (both panes' in compare mode).
    func decodePrompt(_ text: String, task: EvalTask? = nil, note: String? = nil) async {
        guard case .live(let model) = source else { return needsModel("a new prompt") }
        let prompt = text.trimmingCharacters(in: .whitespaces)
        guard !prompt.isEmpty else { return show("the prompt is empty: nothing to decode") }
        await cancelStep()
        attempt {
            let single = try model.decode(prompt: prompt, promptIds: try model.encodePrompt(prompt),
                                          settings: (beforeCompare ?? decodes[0]).settings, task: task)
            if isComparing, let single = single as? LiveDecode {
                decodes = try decodes.map { try single.fresh(settings: $0.settings) }
                beforeCompare = single
            } else {
                decodes = [single]
            }
            options.scroll = .follow
            show(note ?? "new prompt: decoding from step 0")
            play()
        }
    }

    private func randomTask() async {
        guard case .live(let model) = source else { return needsModel("a held-out task") }
        let others = model.tasks.filter { $0.prompt != decodes[0].prompt }
        guard let task = others.randomElement() ?? model.tasks.first else {
            return show("\(model.name) has no heldout.jsonl: n takes a prompt instead")
        }
        await decodePrompt(task.prompt, task: task, note: "held-out task \(task.id): the status bar checks its answer")
    }

    /// An export renders a frame per step and can take seconds: say so first, and write once a
    /// frame with that message has been drawn (`tick`).
    private func requestExport() {
        pendingExport = .requested
        show("exporting to \(exportDirectory.path)/ …")
    }

    /// Writes what is on screen: each pane's transcript so far, a Markdown summary and a recording
    /// at the current size. A failure is a status message; the session goes on.
    func export() {
        var view = options
        view.overlay = nil
        let panes = decodes.map { ExportPane(transcript: $0.transcript(), title: $0.settings.block?.label ?? $0.settings.order.rawValue) }
        // A terminal too small for the panes would record nothing but the too-small notice.
        let fits = ScopeLayout.make(width: screenSize.width, height: screenSize.height, comparing: isComparing) != nil
        let size = fits ? screenSize : ScopeExport.defaultSize
        let export = ScopeExport(directory: exportDirectory, width: size.width, height: size.height, view: view,
                                 palette: palette)
        do {
            show("exported \(try export.write(panes, at: Date()))")
        } catch {
            show("export failed: \(error)")
        }
    }

    /// Shows step `text`: back over history, forward over kept steps at once, and on a live decode
    /// beyond them by playing at full speed until the step is reached.
    private func jump(to text: String) async {
        guard let target = Int(text.trimmingCharacters(in: .whitespaces)), target >= 0 else {
            return show("\"\(text)\" is not a step number: : then digits, e.g. :12")
        }
        await cancelStep()
        pause()
        options.scroll = .follow
        if target <= decodes[0].stepCount {
            return attempt { for decode in decodes { try decode.back(toStep: target) } }
        }
        switch source {
        case .replay:
            attempt { for case let decode as ReplayDecode in decodes { while decode.stepCount < target, decode.canStepForward { try decode.advance() } } }
        case .live:
            attempt {
                for decode in decodes { while decode.stepCount < target, try decode.redo() {} }
            }
            if decodes.contains(where: { $0.stepCount < target && $0.canStepForward }) {
                stepTarget = target
                runningToEnd = true
                play()
            }
        }
        if playback == .paused, !decodes.contains(where: { $0.stepCount >= target }) {
            show("the decode ends at step \(decodes.map(\.stepCount).max() ?? 0)")
        }
    }

    /// Opens the inspector on the first mask (or, on a finished canvas, the last commit); closes it.
    private func toggleInspector() {
        if options.inspected != nil { return options.inspected = nil }
        let canvas = decodes[0].canvas
        options.inspected = canvas.states.indices.first(where: canvas.isMasked)
            ?? decodes[0].history.last?.commits.last?.position ?? 0
    }

    private func moveInspector(by offset: Int) {
        let count = decodes[0].canvas.generationLength
        guard let current = options.inspected else { return toggleInspector() }
        options.inspected = ((current + offset) % count + count) % count
    }

    /// A click on a canvas cell inspects its position.
    public func click(row: Int, column: Int) {
        message = nil
        let snapshots = self.snapshots()
        let view = ScopeView(primary: snapshots[0], comparison: snapshots.count > 1 ? snapshots[1] : nil, options: options,
                             palette: palette, keyMap: keyMap)
        guard let pane = view.layout(width: screenSize.width, height: screenSize.height)?.panes.first else { return }
        let canvas = CanvasView(snapshot: snapshots[0], palette: palette, measure: options.measure,
                                showGuesses: options.showGuesses, scroll: options.scroll)
        guard let position = canvas.position(atRow: row, column: column, in: pane.canvas) else { return }
        options.inspected = position
    }

    /// The mouse wheel pages the canvas.
    public func wheel(up: Bool) {
        scroll(up: up)
    }

    /// Pages the canvas; `g`, `G`, `r` and a new prompt go back to following the commits.
    private func scroll(up: Bool) {
        let snapshots = self.snapshots(), primary = snapshots[0]
        let view = ScopeView(primary: primary, comparison: snapshots.count > 1 ? snapshots[1] : nil, options: options,
                             palette: palette, keyMap: keyMap)
        guard let layout = view.layout(width: screenSize.width, height: screenSize.height) else { return }
        let rect = layout.panes[0].canvas
        let canvas = CanvasView(snapshot: primary, palette: palette, measure: options.measure,
                                showGuesses: options.showGuesses, scroll: options.scroll)
        let (first, total) = canvas.visibleLines(in: rect)
        let page = max(1, rect.height - 1)
        options.scroll = .line(up ? max(0, first - page) : min(first + page, max(0, total - rect.height)))
    }
}
