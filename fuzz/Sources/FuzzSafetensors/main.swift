import Foundation
import LibFuzzerDriver
import Models

/// One libFuzzer input as a safetensors file: the 8-byte header length, the JSON header and every
/// tensor's span checked against the file. A thrown error is a clean rejection.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafetensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // The loader maps files, so the input goes through one per process.
    let path = NSTemporaryDirectory() + "dscope-fuzz-\(getpid()).safetensors"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    defer { unlink(path) }
    _ = try? SafetensorsFile(path: path)
    return 0
}

var arguments = CommandLine.argc
var argumentVector: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&arguments, &argumentVector) { data, size in fuzzSafetensors(data!, size) })
