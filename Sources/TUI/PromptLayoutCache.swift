import Foundation

/// The prompt's laid-out lines, kept for the few prompts on screen (one, or two panes alike), so
/// that each frame lays out only the generated positions. The prompt part always ends with a
/// line break, so the positions start on a fresh last line.
final class PromptLayoutCache: @unchecked Sendable {
    // @unchecked: `entries` is read and written under `lock`.
    static let shared = PromptLayoutCache()
    private static let capacity = 4

    private struct Key: Equatable {
        var prompt: String
        var width: Int
        var style: CellStyle
    }

    private let lock = NSLock()
    private var entries: [(key: Key, lines: [[CanvasLayout.Span]])] = []
    /// Prompts laid out so far (what the cache saves is visible in tests).
    private(set) var layoutCount = 0

    func lines(of prompt: String, width: Int, style: CellStyle,
               layout: () -> [[CanvasLayout.Span]]) -> [[CanvasLayout.Span]] {
        let key = Key(prompt: prompt, width: width, style: style)
        if let hit = lock.withLock({ entries.first { $0.key == key }?.lines }) { return hit }
        let lines = layout()
        lock.withLock {
            layoutCount += 1
            entries.removeAll { $0.key == key }
            entries.insert((key, lines), at: 0)
            if entries.count > Self.capacity { entries.removeLast() }
        }
        return lines
    }
}
