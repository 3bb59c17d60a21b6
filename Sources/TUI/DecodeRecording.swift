import Decoder

/// The export's asciicast: the decode(s) replayed from step 0 at a steady pace and drawn at the
/// size and with the view the user had, one frame and one `m` marker per step, so `asciinema play`
/// (with markers as pause points) walks through it step by step.
@MainActor
enum DecodeRecording {
    static let secondsPerStep = 0.25

    static func render(_ panes: [ExportPane], width: Int, height: Int, view: ScopeOptions, palette: Palette,
                       timestamp: Int) throws -> AsciicastRecording {
        let replays = try panes.map { try ReplayDecode($0.transcript, marksReplay: false) }
        let scale = view.entropyScale.nats(firstSteps: panes.compactMap(\.transcript.steps.first),
                                      logitColumns: panes.first?.transcript.header.vocabulary.logitColumns ?? 2)
        var view = view
        view.speed = nil
        let prompt = replays.first?.prompt ?? ""
        var recording = AsciicastRecording(width: width, height: height, timestamp: timestamp,
                                           title: "dscope · " + String(prompt.prefix(60)))
        func frame(at seconds: Double, playing: Bool) {
            let snapshots = replays.map {
                var snapshot = DecodeSnapshot($0, entropyScaleNats: scale, playback: playing ? .playing : .paused,
                                              isComputing: false, message: nil)
                snapshot.entropyScale = view.entropyScale
                return snapshot
            }
            let screen = ScopeView(primary: snapshots[0], comparison: snapshots.count > 1 ? snapshots[1] : nil,
                                   options: view, palette: palette).render(width: width, height: height)
            recording.record(screen, at: seconds)
        }
        frame(at: 0, playing: true)
        var step = 0
        while replays.contains(where: \.canStepForward) {
            for replay in replays { try replay.advance() }
            step += 1
            let seconds = Double(step) * secondsPerStep
            frame(at: seconds, playing: true)
            recording.markStep(step, at: seconds)
        }
        frame(at: Double(step + 1) * secondsPerStep, playing: false)
        return recording
    }
}
