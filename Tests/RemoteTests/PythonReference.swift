import Foundation

/// Runs Python from this checkout (server/ and tools/ on the path) and decodes its JSON output.
enum PythonReference {
    static func run<T: Decodable>(_ script: String, as type: T.Type) throws -> T {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        process.currentDirectoryURL = ServerProcess.repository
        var environment = ProcessInfo.processInfo.environment
        environment["PYTHONPATH"] = ["server", "tools"].map { ServerProcess.repository.appendingPathComponent($0).path }
            .joined(separator: ":")
        process.environment = environment
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PythonError.failed(String(decoding: message.suffix(2000), as: UTF8.self))
        }
        return try JSONDecoder().decode(T.self, from: data)
    }

    /// tools/llada_generate.py's loop at T = 0, one token per step, on a checkpoint folder: the
    /// generated ids of each prompt under each block length (1 is AR order), in one Python run.
    static func greedyDecodes(folder: String, prompts: [[Int]], generationLength: Int, blockLengths: [Int]) throws -> [[[Int]]] {
        let script = """
        import json, torch
        torch.set_num_threads(1)  # more threads than cores only contend
        from llada_generate import generate
        from dscope_server import served_model
        model = served_model.load(\(quoted(folder)), "cpu", "fp32")
        forward = model._logits
        if model.shifts_logits:
            from dscope_server.dream_reference import shift_logits
            forward = lambda ids: shift_logits(model._logits(ids))
        out = []
        for block_length in \(blockLengths):
            out.append([])
            for prompt in \(prompts):
                ids = generate(forward, torch.tensor([prompt]), mask_id=model.mask_id, steps=\(generationLength),
                               gen_length=\(generationLength), block_length=block_length)
                out[-1].append(ids[0, len(prompt):].tolist())
        print(json.dumps(out))
        """
        return try run(script, as: [[[Int]]].self)
    }

    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
    }
}

enum PythonError: Error, CustomStringConvertible {
    case failed(String)

    var description: String {
        switch self { case .failed(let log): return "python3 failed: \(log)" }
    }
}
