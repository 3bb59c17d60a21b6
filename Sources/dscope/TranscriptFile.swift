import Decoder
import Foundation

/// Reads a transcript named on the command line; every error names the file.
enum TranscriptFile {
    static func read(_ path: String) throws -> Transcript {
        do {
            return try Transcript(contentsOf: URL(fileURLWithPath: (path as NSString).expandingTildeInPath))
        } catch let error as TranscriptError {
            if case .unreadable = error { throw error }
            throw TranscriptFileError(path: path, problem: error)
        }
    }
}

struct TranscriptFileError: UserFacingError {
    var path: String
    var problem: TranscriptError

    var description: String { "\(path): \(problem)" }
}
