/// Why a forward was refused: the caller's ids or rows do not fit the model.
public enum ForwardError: Error, CustomStringConvertible, Equatable {
    case emptyCanvas
    case tokenOutsideEmbedding(Int, rows: Int)
    case positionOutsideCanvas(Int, canvas: Int)
    case positionOutsideWindow(Int, Range<Int>)
    case windowOutsideCanvas(Range<Int>, canvas: Int)
    case cacheLength(cacheRows: Int, canvas: Int)

    public var description: String {
        switch self {
        case .emptyCanvas:
            "the canvas is empty; give at least one token id"
        case let .tokenOutsideEmbedding(id, rows):
            "token id \(id) is outside the model's embedding (ids 0…\(rows - 1))"
        case let .positionOutsideCanvas(position, canvas):
            "logits row \(position) is outside the \(canvas)-token canvas"
        case let .positionOutsideWindow(position, window):
            "logits row \(position) is outside the recomputed window \(window.lowerBound)..<\(window.upperBound)"
        case let .windowOutsideCanvas(window, canvas):
            "window \(window.lowerBound)..<\(window.upperBound) is empty or outside the \(canvas)-token canvas"
        case let .cacheLength(cacheRows, canvas):
            "the cache holds \(cacheRows) rows but the canvas has \(canvas); it belongs to another canvas length"
        }
    }
}
