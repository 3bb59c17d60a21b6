/// An overlay drawn over the panes.
public enum Overlay: Equatable, Sendable {
    case help
    case promptEntry(LineEditor)
    /// `:` — the number of the step to show.
    case stepEntry(LineEditor)
}

/// What the user has chosen about the view (not the decode).
public struct ScopeOptions: Equatable, Sendable {
    public var measure: ColorMeasure
    public var showGuesses: Bool
    public var scroll: CanvasScroll
    public var overlay: Overlay?
    /// Playback speed label for the status bar, e.g. "4 steps/s".
    public var speed: String?
    /// The heat scale's top: fixed at ln V, or stretched over the first step.
    public var entropyScale: EntropyScale = .fixed
    /// The generated position the inspector panel shows (`i`); nil when it is closed.
    public var inspected: Int?

    public init(measure: ColorMeasure = .entropy, showGuesses: Bool = false, scroll: CanvasScroll = .follow,
                overlay: Overlay? = nil, speed: String? = nil) {
        self.measure = measure
        self.showGuesses = showGuesses
        self.scroll = scroll
        self.overlay = overlay
        self.speed = speed
    }
}

/// The whole screen: lays out the panes for one decode, or two in compare mode, draws every
/// view into a fresh grid, then any overlay. The backend only flushes the result.
public struct ScopeView: Sendable {
    public var primary: DecodeSnapshot
    /// The second decode of compare mode; nil shows one pane.
    public var comparison: DecodeSnapshot?
    public var options: ScopeOptions
    public var palette: Palette
    public var keyMap: KeyMap

    public init(primary: DecodeSnapshot, comparison: DecodeSnapshot? = nil, options: ScopeOptions = ScopeOptions(),
                palette: Palette, keyMap: KeyMap = .standard) {
        self.primary = primary
        self.comparison = comparison
        self.options = options
        self.palette = palette
        self.keyMap = keyMap
    }

    /// Columns the inspector panel takes on the right (with its divider): none when it is closed
    /// or the terminal is too narrow to keep the panes usable beside it.
    func inspectorWidth(screenWidth: Int) -> Int {
        primary.inspection != nil && screenWidth >= 72 ? min(40, screenWidth / 3) : 0
    }

    public func render(width: Int, height: Int) -> Screen {
        var screen = Screen(width: width, height: height, style: palette.style(.text))
        guard let layout = layout(width: width, height: height) else {
            let minimum = ScopeLayout.minimumSize(comparing: comparison != nil, width: width)
            TooSmallMessage(width: width, height: height, minimumWidth: minimum.width,
                            minimumHeight: minimum.height, palette: palette).render(into: &screen)
            return screen
        }
        let snapshots = [primary] + (comparison.map { [$0] } ?? [])
        for (pane, snapshot) in zip(layout.panes, snapshots) {
            render(snapshot, in: pane, titled: layout.arrangement != .single, into: &screen)
        }
        if let divider = layout.divider {
            for row in divider.row..<divider.bottom {
                screen.put("│", row: row, column: divider.column, style: palette.style(.border))
            }
        }
        let panel = inspectorWidth(screenWidth: width)
        if panel > 0, let inspection = primary.inspection {
            let rect = Rect(row: 0, column: width - panel + 1, width: panel - 1, height: height - ScopeLayout.statusRows)
            for row in rect.row..<rect.bottom {
                screen.put("│", row: row, column: width - panel, style: palette.style(.border))
            }
            InspectorView(inspection: inspection, entropyScaleNats: primary.entropyScaleNats, palette: palette)
                .render(into: &screen, in: rect)
        }
        StatusBar(snapshot: primary, comparison: comparison, palette: palette, speed: options.speed).render(into: &screen, in: layout.status)
        switch options.overlay {
        case .help:
            HelpOverlay(keyMap: keyMap, palette: palette).render(into: &screen, in: screen.bounds)
        case .promptEntry(let editor):
            PromptEntryOverlay(editor: editor, palette: palette).render(into: &screen, in: screen.bounds)
        case .stepEntry(let editor):
            PromptEntryOverlay(editor: editor, palette: palette, title: PromptEntryOverlay.stepTitle)
                .render(into: &screen, in: screen.bounds)
        case nil:
            break
        }
        return screen
    }

    /// Where the views go: the canvas gets the lines its content needs (of either pane), the
    /// waterfall the rest.
    func layout(width fullWidth: Int, height: Int) -> ScopeLayout? {
        let width = fullWidth - inspectorWidth(screenWidth: fullWidth)
        let heatRows = HeatStripView(snapshot: primary, palette: palette).rowsWanted(width: width) - 1
        let canvases = ([primary] + (comparison.map { [$0] } ?? [])).map {
            CanvasView(snapshot: $0, palette: palette, measure: options.measure, showGuesses: options.showGuesses)
        }
        var layout = ScopeLayout.make(width: width, height: height, comparing: comparison != nil, heatRows: heatRows) { width in
            canvases.map { $0.rowsWanted(width: width) }.max() ?? 1
        }
        // The status bar stays the screen's full width under the inspector.
        layout?.status.width = fullWidth
        return layout
    }

    /// Compare panes are titled by their settings, since the status bar describes only the first;
    /// the value's symbol names the rule, and the mean entropy (the comparison's point) comes
    /// before what a narrow pane may cut.
    private func render(_ snapshot: DecodeSnapshot, in pane: ScopeLayout.Pane, titled: Bool, into screen: inout Screen) {
        let steps = snapshot.plannedSteps.map { "step \(snapshot.step)/\($0)" } ?? "step \(snapshot.step)"
        let title: TitledRule
        if titled {
            let status = snapshot.status
            var fields = [TitledRule.Field(text: status.parallelismValue, priority: 2)]
            if let mean = snapshot.meanCommitEntropyNats {
                fields.append(TitledRule.Field(text: "mean H \(mean.fixed(2))", priority: 1))
            }
            fields += [TitledRule.Field(text: steps, priority: 0), TitledRule.Field(text: "masks \(snapshot.masksLeft)", priority: 0)]
            title = TitledRule(title: status.order, fields: fields)
        } else {
            title = TitledRule(title: "canvas", fields: [TitledRule.Field(text: "colour: \(options.measure.label)", priority: 1),
                                                        TitledRule.Field(text: steps, priority: 0)])
        }
        title.render(into: &screen, row: pane.title.row, in: pane.title, palette: palette)
        CanvasView(snapshot: snapshot, palette: palette, measure: options.measure, showGuesses: options.showGuesses,
                   scroll: options.scroll).render(into: &screen, in: pane.canvas)
        if let heat = pane.heatStrip {
            HeatStripView(snapshot: snapshot, palette: palette, measure: options.measure).render(into: &screen, in: heat)
        }
        WaterfallView(snapshot: snapshot, palette: palette).render(into: &screen, in: pane.waterfall)
    }
}
