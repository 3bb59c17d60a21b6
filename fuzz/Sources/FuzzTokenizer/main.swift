import Foundation
import LibFuzzerDriver
import Models

/// One libFuzzer input as tokenizer.json: the JSON reader, the BPE model, the normalizer, the
/// pre-tokenizer's split patterns and the added tokens, then a sample text encoded and decoded.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let tokenizer = try? BPETokenizer(tokenizerJSON: bytes) else { return 0 }
    if let ids = try? tokenizer.encode("Hello world, 12345 — ünïcödé\n\t  end <|mask|>") {
        _ = tokenizer.decode(ids)
    }
    return 0
}

var arguments = CommandLine.argc
var argumentVector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentVector) { data, size in fuzzTokenizer(data!, size) })
