import Foundation
import LibFuzzerDriver
import Models

/// One libFuzzer input as a GGUF file: the header, the hyperparameters and the tokenizer read from
/// it, and a sample text through that tokenizer. Any thrown error is a clean rejection; a crash,
/// sanitizer report or hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGGUF(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The loader maps files, so the input goes through one per process.
    let path = NSTemporaryDirectory() + "dscope-fuzz-\(getpid()).gguf"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    defer { unlink(path) }
    guard let file = try? GGUFFile(path: path) else { return 0 }
    _ = try? GGUFHyperparameters.read(file)
    if let tokenizer = try? BPETokenizer(gguf: file) {
        _ = try? tokenizer.encode("Hello world, 12345 — ünïcödé\n\t  end")
    }
    return 0
}

var arguments = CommandLine.argc
var argumentVector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentVector) { data, size in fuzzGGUF(data!, size) })
