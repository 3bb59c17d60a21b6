/// What the user asked for; the app loop maps each to a session or view change.
public enum Action: Hashable, Sendable {
    case playPause
    case stepForward
    case stepBack
    case firstStep
    case lastStep
    case faster
    case slower
    case cycleOrder
    case cycleBlockLength
    case cycleCache
    case decreaseParallelism
    case increaseParallelism
    case cycleParallelismRule
    /// LLaDA2.1's editing threshold on or off (block-diffusion decodes).
    case toggleEditing
    case cycleColorMeasure
    case toggleGuesses
    case toggleInspector
    case inspectNext
    case inspectPrevious
    case jumpToStep
    case toggleCompare
    case export
    case newPrompt
    case randomTask
    case restart
    case scrollUp
    case scrollDown
    case toggleHelp
    case closeOverlay
    case quit
}
