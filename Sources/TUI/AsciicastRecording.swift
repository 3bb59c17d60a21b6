import Foundation

/// An asciicast v2 recording (asciinema's format): a JSON header line, then one JSON array per
/// event — `[seconds, "o", output]` frames, `[seconds, "m", "step N"]` markers (the player
/// pauses there) and `[seconds, "r", "COLSxROWS"]` resizes.
/// Spec: https://docs.asciinema.org/manual/asciicast/v2/
public struct AsciicastRecording: Sendable {
    public private(set) var lines: [String]
    private var previous: Screen?
    private var width: Int
    private var height: Int

    /// `timestamp` is the Unix time the recording started.
    public init(width: Int, height: Int, timestamp: Int, title: String) {
        lines = ["{\"version\": 2, \"width\": \(width), \"height\": \(height), \"timestamp\": \(timestamp), "
                 + "\"title\": \(Self.jsonString(title))}"]
        self.width = width
        self.height = height
    }

    /// Adds the output that turns the last recorded frame into `screen`; the first frame and a new
    /// size (which also adds a resize event) redraw everything. Unchanged frames add nothing.
    public mutating func record(_ screen: Screen, at seconds: Double) {
        if screen.width != width || screen.height != height {
            lines.append(event(seconds, "r", "\(screen.width)x\(screen.height)"))
            (width, height) = (screen.width, screen.height)
        }
        let output = ANSIEncoder.encode(screen, since: previous)
        if !output.isEmpty { lines.append(event(seconds, "o", output)) }
        previous = screen
    }

    /// Marks the end of a decoding step, so a player can jump or pause step by step.
    public mutating func markStep(_ step: Int, at seconds: Double) {
        lines.append(event(seconds, "m", "step \(step)"))
    }

    /// The file's contents: one JSON document per line.
    public var contents: String { lines.joined(separator: "\n") + "\n" }

    private func event(_ seconds: Double, _ code: String, _ data: String) -> String {
        "[\(max(0, seconds).fixed(6)), \"\(code)\", \(Self.jsonString(data))]"
    }

    /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
