import Decoder
import Foundation

/// One decode to export, with the name its file and its section carry.
public struct ExportPane {
    public var transcript: Transcript
    /// e.g. the order ("ar"); compare mode names the transcripts after it.
    public var title: String

    public init(transcript: Transcript, title: String) {
        self.transcript = transcript
        self.title = title
    }
}

public enum ExportError: Error, Equatable, CustomStringConvertible {
    case directory(path: String, reason: String)
    case file(path: String, reason: String)

    public var description: String {
        switch self {
        case let .directory(path, reason):
            return "\(path): \(reason); pick another folder with --export-dir"
        case let .file(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}

/// What `e` and `dscope export` write into one folder:
/// `dscope-<yyyyMMdd-HHmmss>.jsonl` (the transcript), `.md` (a summary) and `.cast` (an asciicast
/// v2 recording, one `m` marker per step). Compare mode writes one transcript per pane
/// (`-1-ar.jsonl`, `-2-confidence.jsonl`). A `-2`, `-3`, … suffix keeps an earlier export
/// of the same second.
public struct ScopeExport {
    public var directory: URL
    /// The recording's terminal size.
    public var width: Int
    public var height: Int
    public var view: ScopeOptions
    public var palette: Palette

    /// The recording size when the terminal gives none (dscope export) or one too small.
    public static let defaultSize = (width: 120, height: 40)

    public init(directory: URL, width: Int, height: Int, view: ScopeOptions = ScopeOptions(), palette: Palette) {
        self.directory = directory
        self.width = width
        self.height = height
        self.view = view
        self.palette = palette
    }

    @MainActor
    public func write(_ panes: [ExportPane], at date: Date) throws(ExportError) -> ExportedFiles {
        try prepareDirectory()
        let base = baseName(at: date)
        let transcripts = panes.count == 1
            ? [file(base + ".jsonl")]
            : panes.enumerated().map { file("\(base)-\($0.offset + 1)-\($0.element.title).jsonl") }
        let files = ExportedFiles(transcripts: transcripts, summary: file(base + ".md"), recording: file(base + ".cast"))
        for (pane, url) in zip(panes, transcripts) {
            try save(url) { Data(try pane.transcript.jsonLines().utf8) }
        }
        try save(files.summary) { Data(MarkdownSummary.render(panes, exportedAt: date).utf8) }
        try save(files.recording) {
            Data(try DecodeRecording.render(panes, width: width, height: height, view: view, palette: palette,
                                            timestamp: Int(date.timeIntervalSince1970)).contents.utf8)
        }
        return files
    }

    /// A missing folder is created; an existing one must be a writable folder.
    private func prepareDirectory() throws(ExportError) {
        let path = directory.path
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .directory(path: path, reason: "not a folder") }
            guard FileManager.default.isWritableFile(atPath: path) else { throw .directory(path: path, reason: "not writable") }
            return
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .directory(path: path, reason: "cannot create it (\(Self.reason(error)))")
        }
    }

    private func baseName(at date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let stamp = "dscope-" + formatter.string(from: date)
        let taken = Set((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? [])
        func isFree(_ base: String) -> Bool { !taken.contains { $0.hasPrefix(base + ".") || $0.hasPrefix(base + "-") } }
        if isFree(stamp) { return stamp }
        return (2...).lazy.map { "\(stamp)-\($0)" }.first(where: isFree)!
    }

    private func file(_ name: String) -> URL { directory.appendingPathComponent(name) }

    private func save(_ url: URL, _ contents: () throws -> Data) throws(ExportError) {
        do {
            try contents().write(to: url, options: .atomic)
        } catch {
            throw .file(path: url.path, reason: Self.reason(error))
        }
    }

    /// Foundation's messages are long sentences; the POSIX reason alone fits a status bar.
    private static func reason(_ error: Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let posix = underlying, posix.domain == NSPOSIXErrorDomain, let text = strerror(Int32(posix.code)) {
            return String(cString: text)
        }
        return error.localizedDescription
    }
}

/// Where an export went, as the status bar says it.
public struct ExportedFiles: Equatable, CustomStringConvertible {
    public var transcripts: [URL]
    public var summary: URL
    public var recording: URL

    public var all: [URL] { transcripts + [summary, recording] }

    /// `./dscope-20260101-120000.{jsonl,md,cast}`.
    public var description: String {
        let folder = summary.deletingLastPathComponent().path
        let base = summary.deletingPathExtension().lastPathComponent
        let extensions = transcripts.count == 1 ? "jsonl,md,cast" : "md,cast + \(transcripts.count) .jsonl"
        return "\(folder)/\(base).{\(extensions)}"
    }
}
