/// Keys bound to one action, with the line the help overlay shows for them.
public struct KeyBinding: Equatable, Sendable {
    public var keys: [Key]
    public var action: Action
    public var help: String
}

/// Which action each key triggers. The help overlay is generated from the same table, so it can
/// never miss a key.
public struct KeyMap: Sendable {
    public let bindings: [KeyBinding]

    public init(bindings: [KeyBinding]) { self.bindings = bindings }

    public func action(for key: Key) -> Action? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The keys of issue 6, following htop/less/btop habits (`?`/F1 help, Esc closes, `q` quits).
    /// Help texts stay within 25 columns so the overlay fits two columns on an 80×24 terminal.
    public static let standard = KeyMap(bindings: [
        KeyBinding(keys: [.character(" ")], action: .playPause, help: "play / pause"),
        KeyBinding(keys: [.character("."), .right, .character("l")], action: .stepForward, help: "one step forward"),
        KeyBinding(keys: [.character(","), .left, .character("h")], action: .stepBack, help: "one step back"),
        KeyBinding(keys: [.character("g"), .home], action: .firstStep, help: "first step"),
        KeyBinding(keys: [.character("G"), .end], action: .lastStep, help: "last step (decode all)"),
        KeyBinding(keys: [.character("+"), .character("=")], action: .faster, help: "play faster"),
        KeyBinding(keys: [.character("-")], action: .slower, help: "play slower"),
        KeyBinding(keys: [.character("o")], action: .cycleOrder, help: "cycle order ⑂"),
        KeyBinding(keys: [.character("b")], action: .cycleBlockLength, help: "cycle block length ⑂"),
        KeyBinding(keys: [.character("x")], action: .cycleCache, help: "cache exact/prefix/dual ⑂"),
        KeyBinding(keys: [.character("[")], action: .decreaseParallelism, help: "less parallel (k, τ, γ) ⑂"),
        KeyBinding(keys: [.character("]")], action: .increaseParallelism, help: "more parallel (k, τ, γ) ⑂"),
        KeyBinding(keys: [.character("p")], action: .cycleParallelismRule, help: "parallelism rule ⑂"),
        KeyBinding(keys: [.character("E")], action: .toggleEditing, help: "editing on/off (LLaDA2) ⑂"),
        KeyBinding(keys: [.character("v")], action: .cycleColorMeasure, help: "colour: H / p / step"),
        KeyBinding(keys: [.character("m")], action: .toggleGuesses, help: "guesses under masks"),
        KeyBinding(keys: [.character("i")], action: .toggleInspector, help: "inspect a position"),
        KeyBinding(keys: [.tab], action: .inspectNext, help: "inspect next position"),
        KeyBinding(keys: [.backTab], action: .inspectPrevious, help: "inspect previous position"),
        KeyBinding(keys: [.character(":")], action: .jumpToStep, help: "jump to step N"),
        KeyBinding(keys: [.character("c")], action: .toggleCompare, help: "compare AR vs confidence"),
        KeyBinding(keys: [.character("e")], action: .export, help: "export jsonl, md, cast"),
        KeyBinding(keys: [.character("n")], action: .newPrompt, help: "new prompt"),
        KeyBinding(keys: [.character("t")], action: .randomTask, help: "random held-out task"),
        KeyBinding(keys: [.character("r")], action: .restart, help: "restart the decode"),
        KeyBinding(keys: [.pageUp], action: .scrollUp, help: "scroll canvas up"),
        KeyBinding(keys: [.pageDown], action: .scrollDown, help: "scroll canvas down"),
        KeyBinding(keys: [.character("?"), .f1], action: .toggleHelp, help: "this help"),
        KeyBinding(keys: [.escape], action: .closeOverlay, help: "close help / prompt"),
        KeyBinding(keys: [.character("q"), .controlC], action: .quit, help: "quit"),
    ])

    /// Footnote for the `⑂` in help texts.
    public static let branchNote = "⑂ branches: the decode continues from this step with the new setting"
}
