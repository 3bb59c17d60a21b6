/// Which lines of a canvas taller than its pane are shown.
public enum CanvasScroll: Equatable, Sendable {
    /// Keep this step's commits (or else the first mask) in view.
    case follow
    /// Show from this line (clamped).
    case line(Int)
}

/// The canvas: the prompt dimmed, then every generated position — masked ones as a mask glyph
/// (heat-coloured, or the model's guess), decoded ones coloured by the chosen measure — wrapped
/// to the pane with real line breaks. A token a later step replaced (an edit) is underlined. A
/// block-diffusion decode shows its blocks: `⟦…⟧` around the block being decoded, `│` between
/// the others (cached blocks before it), and `·` for masks of blocks no forward has reached.
public struct CanvasView: View, Sendable {
    public var snapshot: DecodeSnapshot
    public var palette: Palette
    public var measure: ColorMeasure
    public var showGuesses: Bool
    public var scroll: CanvasScroll

    public static let maskGlyph: Character = "░"
    public static let eosGlyph: Character = "∎"
    /// A mask of a block the decode has not reached.
    public static let unreachedGlyph: Character = "·"
    public static let blockOpen: Character = "⟦"
    public static let blockClose: Character = "⟧"
    public static let blockSeparator: Character = "│"

    public init(snapshot: DecodeSnapshot, palette: Palette, measure: ColorMeasure = .entropy,
                showGuesses: Bool = false, scroll: CanvasScroll = .follow) {
        self.snapshot = snapshot
        self.palette = palette
        self.measure = measure
        self.showGuesses = showGuesses
        self.scroll = scroll
    }

    public func render(into screen: inout Screen, in rect: Rect) {
        guard !rect.isEmpty else { return }
        let (layout, overflows) = self.layout(in: rect)
        let first = firstLine(of: layout, height: rect.height)
        let textArea = Rect(row: rect.row, column: rect.column, width: overflows ? rect.width - 1 : rect.width,
                            height: rect.height)
        for (offset, line) in layout.lines.dropFirst(first).prefix(rect.height).enumerated() {
            var column = rect.column
            for span in line {
                column = screen.put(span.piece, row: rect.row + offset, column: column, style: span.style, clip: textArea)
            }
        }
        guard overflows else { return }
        let marker = palette.style(.border)
        if first > 0 { screen.put("↑", row: rect.row, column: rect.right - 1, style: marker) }
        if first + rect.height < layout.lines.count {
            screen.put("↓", row: rect.bottom - 1, column: rect.right - 1, style: marker)
        }
    }

    /// The position drawn at a screen cell of `rect`, if any (a mouse click selects it).
    public func position(atRow row: Int, column: Int, in rect: Rect) -> Int? {
        guard rect.contains(row: row, column: column) else { return nil }
        let (layout, _) = self.layout(in: rect)
        let line = firstLine(of: layout, height: rect.height) + row - rect.row
        let offset = column - rect.column
        return layout.positionLines.indices.first { position in
            let cells = layout.positionCells[position]
            return layout.positionLines[position] == line && (cells.column..<(cells.column + cells.width)).contains(offset)
        }
    }

    /// The lines the whole canvas takes at `width` (the layout gives it no more).
    public func rowsWanted(width: Int) -> Int {
        CanvasLayout(snapshot: snapshot, width: width, promptStyle: palette.style(.prompt), cells: cells, marks: marks).lines.count
    }

    /// The first line shown in `rect` and the lines there are, so the app can turn `.follow` into
    /// a `.line` when the user scrolls, and bound it.
    public func visibleLines(in rect: Rect) -> (first: Int, total: Int) {
        let (layout, _) = layout(in: rect)
        return (firstLine(of: layout, height: rect.height), layout.lines.count)
    }

    /// A canvas taller than the pane gives up its last column to the scroll markers.
    private func layout(in rect: Rect) -> (CanvasLayout, overflows: Bool) {
        let full = CanvasLayout(snapshot: snapshot, width: rect.width, promptStyle: palette.style(.prompt), cells: cells,
                                marks: marks)
        guard full.lines.count > rect.height, rect.width > 1 else { return (full, false) }
        return (CanvasLayout(snapshot: snapshot, width: rect.width - 1, promptStyle: palette.style(.prompt), cells: cells,
                             marks: marks), true)
    }

    private func firstLine(of layout: CanvasLayout, height: Int) -> Int {
        let lastStart = max(0, layout.lines.count - height)
        switch scroll {
        case .line(let line):
            return min(max(0, line), lastStart)
        case .follow:
            let committedNow = snapshot.positions.indices.first { index in
                if case .decoded(let token) = snapshot.positions[index] { return token.step == snapshot.step }
                return false
            }
            let firstMask = snapshot.positions.indices.first { index in
                if case .masked = snapshot.positions[index] { return true }
                return false
            }
            guard let target = (committedNow ?? firstMask).map({ layout.positionLines[$0] }) else { return lastStart }
            return target < height ? 0 : min(lastStart, target - height / 3)
        }
    }

    /// The block marks before and after generated position `index` (none on the whole canvas).
    private func marks(_ index: Int) -> (before: [CanvasLayout.Span], after: [CanvasLayout.Span]) {
        guard let blocks = snapshot.blocks else { return ([], []) }
        let block = blocks.block(of: index), isCurrent = block == blocks.currentBlock
        let last = snapshot.positions.count - 1
        var before: [CanvasLayout.Span] = [], after: [CanvasLayout.Span] = []
        if isCurrent, index == 0 || blocks.startsBlock(index) {
            before.append(.init(piece: .glyph(Glyph(Self.blockOpen)), style: palette.style(.notice)))
        } else if index > 0, blocks.startsBlock(index), blocks.block(of: index - 1) != blocks.currentBlock {
            before.append(.init(piece: .glyph(Glyph(Self.blockSeparator)), style: palette.style(.border)))
        }
        if isCurrent, index == last || blocks.startsBlock(index + 1) {
            after.append(.init(piece: .glyph(Glyph(Self.blockClose)), style: palette.style(.notice)))
        }
        return (before, after)
    }

    /// How one position is drawn: its text pieces and their style.
    private func cells(_ index: Int, _ position: PositionState) -> (pieces: [TextPiece], style: CellStyle) {
        switch position {
        case .masked(let entropy, let guess):
            if showGuesses, let guess {
                return (Self.pieces(of: guess), palette.style(.guess))
            }
            if snapshot.blocks?.isUnreached(index) == true {
                return ([.glyph(Glyph(Self.unreachedGlyph))], palette.style(.mask))
            }
            guard let entropy else { return ([.glyph(Glyph(Self.maskGlyph))], palette.style(.mask)) }
            let heat = snapshot.heatFraction(entropy)
            if palette.shadesHeat {
                return ([.glyph(Glyph(Palette.shade(heat)))], palette.style(.mask))
            }
            return ([.glyph(Glyph(Self.maskGlyph))], palette.style(.heat, at: heat))
        case .decoded(let token):
            let (pieces, style) = decodedCells(token)
            // An edited token is underlined (the inspector lists its history).
            return (pieces, token.editSteps.isEmpty ? style : style.adding(.underline))
        }
    }

    private func decodedCells(_ token: DecodedToken) -> (pieces: [TextPiece], style: CellStyle) {
        let committedNow = token.step == snapshot.step || token.editSteps.last == snapshot.step
        if token.isEOS {
            return ([.glyph(Glyph(Self.eosGlyph))], committedNow ? palette.style(.commit) : palette.style(.eos))
        }
        if case .partialUTF8 = token.text {
            let style = committedNow ? palette.style(.commit) : palette.style(.partialUTF8)
            return (Self.pieces(of: token.text), style)
        }
        let (gradient, fraction) = measure.position(of: token, in: snapshot)
        return (Self.pieces(of: token.text), committedNow ? palette.style(.commit) : palette.style(gradient, at: fraction))
    }

    /// A newline token keeps a visible `⏎` (so its colour and commit show) before the real break.
    private static func pieces(of text: TokenText) -> [TextPiece] {
        switch text {
        case .partialUTF8:
            return [.glyph(Glyph(TokenText.placeholder))]
        case .text(let string):
            return TextPiece.pieces(of: string, newlines: .lineBreak).flatMap { piece -> [TextPiece] in
                piece == .lineBreak ? [.glyph(Glyph(Glyph.newlineMark)), .lineBreak] : [piece]
            }
        }
    }
}

/// The canvas cut into lines of styled pieces, remembering the line each position starts on.
struct CanvasLayout {
    struct Span {
        var piece: TextPiece
        var style: CellStyle
    }

    private(set) var lines: [[Span]] = [[]]
    private(set) var positionLines: [Int] = []
    /// Where each position starts on its line and how many columns it takes there.
    private(set) var positionCells: [(column: Int, width: Int)] = []
    private let width: Int
    private var column = 0

    init(snapshot: DecodeSnapshot, width: Int, promptStyle: CellStyle,
         cells: (Int, PositionState) -> (pieces: [TextPiece], style: CellStyle),
         marks: (Int) -> (before: [Span], after: [Span])) {
        self.width = max(1, width)
        // The prompt is the same every frame and may be long (a 400 KB prompt made every frame of
        // an export lay it out again): its lines are laid out once per prompt, width and style.
        lines = PromptLayoutCache.shared.lines(of: snapshot.prompt, width: self.width, style: promptStyle) {
            var prompt = CanvasLayout(width: self.width)
            for word in Self.words(TextPiece.pieces(of: snapshot.prompt, newlines: .lineBreak)) {
                prompt.appendKeepingTogether(word, style: promptStyle)
            }
            if !snapshot.prompt.isEmpty { prompt.breakLine() }
            return prompt.lines
        }
        for (index, position) in snapshot.positions.enumerated() {
            let (pieces, style) = cells(index, position)
            let (before, after) = marks(index)
            for span in before { append(span.piece, style: span.style) }
            let line = appendKeepingTogether(pieces, style: style)
            positionLines.append(line)
            let start = line == lines.count - 1 ? column - min(column, Self.width(of: pieces)) : 0
            positionCells.append((start, max(1, Self.width(of: pieces))))
            for span in after { append(span.piece, style: span.style) }
        }
    }

    private init(width: Int) {
        self.width = width
    }

    /// Starts a new line first when the pieces fit on one line but not on what is left of this one,
    /// so BPE tokens (which carry their leading space) wrap like words.
    /// Returns the line the pieces start on.
    @discardableResult
    private mutating func appendKeepingTogether(_ pieces: [TextPiece], style: CellStyle) -> Int {
        let width = Self.width(of: pieces)
        if column > 0, column + width > self.width, width <= self.width, !pieces.contains(.lineBreak) {
            breakLine()
        }
        if case .glyph(let first) = pieces.first, column + first.width > self.width { breakLine() }
        let start = lines.count - 1
        for piece in pieces { append(piece, style: style) }
        return start
    }

    /// Cuts text after each run of spaces and around line breaks.
    private static func words(_ pieces: [TextPiece]) -> [[TextPiece]] {
        var words: [[TextPiece]] = [[]]
        for piece in pieces {
            if piece == .lineBreak {
                words.append([piece])
                words.append([])
                continue
            }
            let isSpace = piece == .glyph(Glyph(" "))
            if !isSpace, let last = words[words.count - 1].last, last == .glyph(Glyph(" ")) { words.append([]) }
            words[words.count - 1].append(piece)
        }
        return words.filter { !$0.isEmpty }
    }

    private mutating func append(_ piece: TextPiece, style: CellStyle) {
        switch piece {
        case .lineBreak:
            breakLine()
        case .combiningMarks:
            lines[lines.count - 1].append(Span(piece: piece, style: style))
        case .glyph(let glyph):
            if column + glyph.width > width { breakLine() }
            lines[lines.count - 1].append(Span(piece: piece, style: style))
            column += glyph.width
        }
    }

    private mutating func breakLine() {
        lines.append([])
        column = 0
    }

    private static func width(of pieces: [TextPiece]) -> Int {
        pieces.reduce(0) { total, piece in
            if case .glyph(let glyph) = piece { return total + glyph.width }
            return total
        }
    }
}
