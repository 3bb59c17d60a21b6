import ArgumentParser
import Decoder
import Foundation
import TUI

struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Entropy at commit and bypass statistics of transcripts, per decoding order.",
        discussion: """
        Reads transcripts of dscope decode --transcript or dscope passk --keep-transcripts (files, or \
        folders of *.jsonl). Prints per order the mean entropy at commit of content tokens, how many \
        jumped ahead of a masked position to their left and how many were bypassed by a token to their \
        right (and by how many steps), and an entropy histogram; edits (decoded tokens a step \
        replaced) counted by step and by token when any step made one; with --by-token, the tokens most often \
        bypassed with their mean entropy at commit under that order and under ar.
        """
    )

    @Argument(help: "Transcript files, or folders holding *.jsonl transcripts.") var transcripts: [String]
    @Flag(name: .customLong("by-token"), help: "Also list the most-bypassed tokens per order against ar.") var byToken = false
    @Option(help: "Tokens listed per order with --by-token.") var top = 20
    @Option(help: "Histogram bins.") var bins = 10
    @Option(help: "Write every commit as a CSV row (entropy, step, bypass counts) to FILE.") var csv: String?
    @Option(help: "Write the analysis (per-order statistics, histograms, token tables) as JSON to FILE.") var json: String?

    func validate() throws {
        try FlagBounds.check("--top", top, FlagBounds.listedTokens)
        try FlagBounds.check("--bins", bins, FlagBounds.histogramBins)
    }

    func run() throws {
        let files = try transcriptFiles()
        let read = try files.map { (name: $0, transcript: try Transcript(contentsOf: URL(fileURLWithPath: $0))) }
        let analysis = DecodeAnalysis(transcripts: read.map(\.transcript), topTokens: top)
        print("\(read.count) transcripts\n")
        print(DecodeAnalysisText(analysis: analysis, byToken: byToken, histogramBins: bins).text(width: stdoutColumns()), terminator: "")
        // Steps that replaced decoded tokens (LLaDA2.1's editing), when any did.
        let pieces = read.reduce(into: [Int: String]()) { $0.merge($1.transcript.pieces) { first, _ in first } }
        print(EditCounts(transcripts: read.map(\.transcript)).text(top: top) { pieces[$0].map { "\"\($0)\"" } ?? "⟨\($0)⟩" },
              terminator: "")
        if let csv { try write(Data(AnalysisExport.csv(read).utf8), to: csv) }
        if let json { try write(try AnalysisExport.json(analysis, histogramBins: bins), to: json) }
    }

    /// The files named, and the *.jsonl files of the folders named, in name order.
    private func transcriptFiles() throws -> [String] {
        var files: [String] = []
        for path in transcripts {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw AnalyzeCommandError.missing(path)
            }
            guard isFolder.boolValue else { files.append(path); continue }
            let names = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".jsonl") }.sorted()
            files += names.map { (path as NSString).appendingPathComponent($0) }
        }
        guard !files.isEmpty else { throw AnalyzeCommandError.noTranscripts(transcripts) }
        return files
    }

    private func write(_ data: Data, to path: String) throws {
        do { try data.write(to: URL(fileURLWithPath: path), options: .atomic) } catch {
            throw AnalyzeCommandError.unwritable(path, reason: error.localizedDescription)
        }
    }
}

enum AnalyzeCommandError: UserFacingError {
    case missing(String)
    case noTranscripts([String])
    case unwritable(String, reason: String)

    var description: String {
        switch self {
        case let .missing(path):
            return "\(path): no such file or folder; give transcripts written by dscope decode --transcript or dscope passk --keep-transcripts"
        case let .noTranscripts(paths):
            return "\(paths.joined(separator: ", ")): no *.jsonl transcripts found"
        case let .unwritable(path, reason):
            return "\(path): cannot write: \(reason)"
        }
    }
}
