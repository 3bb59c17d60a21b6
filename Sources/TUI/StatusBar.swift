/// Two lines at the bottom: what is being decoded and how (first), how fast and how sure (second).
/// Narrow terminals drop the least important fields first. In compare mode every per-decode
/// field gives both panes' values, left / right.
public struct StatusBar: View, Sendable {
    public var snapshot: DecodeSnapshot
    /// The right pane of compare mode.
    public var comparison: DecodeSnapshot?
    public var palette: Palette
    /// Playback speed as the app names it (e.g. "4 steps/s"); nil hides it.
    public var speed: String?

    public init(snapshot: DecodeSnapshot, comparison: DecodeSnapshot? = nil, palette: Palette, speed: String? = nil) {
        self.snapshot = snapshot
        self.comparison = comparison
        self.palette = palette
        self.speed = speed
    }

    /// One value per pane: "58" alone, "58 / 5" when comparing (nil where a pane has none).
    private func each(_ value: (DecodeSnapshot) -> String?) -> String? {
        let values = ([snapshot] + (comparison.map { [$0] } ?? [])).map { value($0) ?? "–" }
        return values.allSatisfy { $0 == "–" } ? nil : values.joined(separator: " / ")
    }

    public static let separator = " │ "

    public func rowsWanted(width: Int) -> Int { ScopeLayout.statusRows }

    struct Field {
        var text: String
        /// Lower numbers survive longer when the line is too narrow.
        var priority: Int
        var role: StyleRole = .status
    }

    public func render(into screen: inout Screen, in rect: Rect) {
        guard !rect.isEmpty else { return }
        screen.fill(rect, style: palette.style(.status))
        let lines = rect.height >= 2 ? [settingsFields, progressFields] : [settingsFields + progressFields]
        for (offset, fields) in lines.prefix(rect.height).enumerated() {
            draw(Self.fitting(fields, width: rect.width - 1), into: &screen, row: rect.row + offset, in: rect)
        }
    }

    var settingsFields: [Field] {
        let status = snapshot.status
        var playback = status.playback == .playing ? "▶ playing" : "‖ paused"
        if Self.isDone(snapshot), comparison.map(Self.isDone) ?? true { playback = "■ done" }
        if status.isComputing { playback += " · computing…" }
        let steps = "step " + each { pane in pane.plannedSteps.map { "\(pane.step)/\($0)" } ?? "\(pane.step)" }!
        var fields = [Field(text: playback, priority: 0), Field(text: status.model, priority: 6)]
        if let rule = status.blockRule {
            // A block model's loop: its rule (editing included) and what the exact cache holds.
            fields.append(Field(text: rule, priority: 1))
            if let cache = status.blockCache { fields.append(Field(text: cache, priority: 2)) }
        } else {
            fields += [
                Field(text: "order " + each { $0.status.order }!, priority: 1),
                Field(text: status.blockLength.map { "block \($0)" } ?? "block all", priority: 4),
                Field(text: "\(status.parallelismRule) \(status.parallelismValue)", priority: 3),
            ]
        }
        // Approximate steps must never pass for exact ones, so the cache keeps a high priority.
        if let cache = status.cache { fields.append(Field(text: "\(cache) cache", priority: 1)) }
        fields += [Field(text: steps, priority: 0), Field(text: "masks " + each { "\($0.masksLeft)" }!, priority: 2)]
        if let speed { fields.append(Field(text: speed, priority: 7)) }
        return fields
    }

    /// No mask left; a block model's loop may still run post and store forwards after that, and
    /// may stop (a stop token) with masks left.
    static func isDone(_ pane: DecodeSnapshot) -> Bool {
        pane.blocks.map { $0.currentBlock == nil } ?? (pane.masksLeft == 0)
    }

    var progressFields: [Field] {
        let status = snapshot.status
        var fields: [Field] = []
        let perStep = each { pane in
            pane.step > 0 ? (Double(pane.positions.count - pane.masksLeft) / Double(pane.step)).fixed(2) : nil
        }
        if let perStep { fields.append(Field(text: "\(perStep) tok/step", priority: 3)) }
        if let millis = each({ $0.status.lastStepMillis?.fixed(0) }) { fields.append(Field(text: "\(millis) ms/step", priority: 5)) }
        let rate = each { pane in
            pane.status.computeMillis > 0
                ? (Double(pane.positions.count - pane.masksLeft) / pane.status.computeMillis * 1000).fixed(1) : nil
        }
        if let rate { fields.append(Field(text: "\(rate) tok/s", priority: 4)) }
        if let forwards = each({ $0.status.forwardPassesRun.map(String.init) }) {
            fields.append(Field(text: "\(forwards) fwd", priority: 5))
        }
        if let mean = each({ $0.meanCommitEntropyNats?.fixed(2) }) {
            fields.append(Field(text: "mean H \(mean) nats", priority: 3))
        }
        if let task = status.task { fields.append(Field(text: task, priority: 1, role: .notice)) }
        if let notice = status.notice { fields.append(Field(text: notice, priority: 1, role: .notice)) }
        if let message = status.message { fields.append(Field(text: message, priority: 0, role: .notice)) }
        return fields
    }

    /// Drops the least important fields until the rest fit; a lone survivor is cut with `…`.
    static func fitting(_ fields: [Field], width: Int) -> [Field] {
        var kept = fields
        func total(_ fields: [Field]) -> Int {
            fields.map { TextPiece.displayWidth(of: $0.text) }.reduce(0, +)
                + max(0, fields.count - 1) * TextPiece.displayWidth(of: separator)
        }
        while total(kept) > width, kept.count > 1 {
            let worst = kept.map(\.priority).max()!
            kept.remove(at: kept.lastIndex { $0.priority == worst }!)
        }
        if let only = kept.first, kept.count == 1, TextPiece.displayWidth(of: only.text) > width, width > 0 {
            kept[0].text = String(only.text.prefix(width - 1)) + "…"
        }
        return kept
    }

    private func draw(_ fields: [Field], into screen: inout Screen, row: Int, in rect: Rect) {
        let base = palette.style(.status)
        var column = rect.column + 1
        for (index, field) in fields.enumerated() {
            if index > 0 { column = screen.put(Self.separator, row: row, column: column, style: base, clip: rect) }
            let style = field.role == .status ? base : palette.style(field.role).withBackground(base.background)
            column = screen.put(field.text, row: row, column: column, style: style.adding(base.attributes), clip: rect)
        }
    }
}
