import Foundation
import Models
import XCTest

/// Mutated tokenizer.json and tokenizer_config.json files, loaded and then used on a prompt: the
/// JSON reader, the BPE model, the normalizer, the split patterns, added tokens, chat templates.
final class TokenizerFuzzTests: XCTestCase {
    func testMutatedTokenizerFilesLoadAndEncodeOrFailCleanly() throws {
        let names = ["gpt2-bytelevel", "llama3-split", "digits-bytelevel", "prefix-space-nfc", "split-behaviours",
                     "gpt2-regex-split"]
        let folders = names.map { FuzzSeeds.models.appendingPathComponent("tokenizers/\($0)") }
        let tokenizers = try folders.map { try FuzzSeeds.text($0.appendingPathComponent("tokenizer.json")) }
        let configs = try folders.map { folder -> String? in
            let url = folder.appendingPathComponent("tokenizer_config.json")
            return FileManager.default.fileExists(atPath: url.path) ? try FuzzSeeds.text(url) : nil
        }

        FuzzHarness(format: "tokenizer", cases: 300).run(mutate: { mutator -> (String, String?) in
            let seed = mutator.below(names.count)
            if let config = configs[seed], mutator.below(4) == 0 {
                return (tokenizers[seed], mutator.mutateJSON(config))
            }
            return (mutator.mutateJSON(tokenizers[seed]), configs[seed])
        }, load: { tokenizer, config in
            let loaded = try BPETokenizer(tokenizerJSON: Array(tokenizer.utf8), configJSON: config.map { Array($0.utf8) })
            for chat in [false, true] {
                let ids = try loaded.promptIDs(for: "Tom has 12 apples; he eats 3.\nHow many?  ünïcödé 日本", chat: chat)
                _ = loaded.decode(ids)
            }
        })
    }
}
