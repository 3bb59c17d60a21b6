import XCTest
@testable import Models

/// Chat templates are recognised by family and rendered as Jinja would render them.
final class TokenizerChatTemplateTests: XCTestCase {
    private struct ChatCases: Decodable {
        struct Case: Decodable {
            let prompt: String
            let rendered: String
            let ids: [Int]
        }

        let chat: [Case]
    }

    private func chatCases(_ name: String) throws -> [ChatCases.Case] {
        let url = TokenizerFixture.folder(name).appendingPathComponent("expected.json")
        return try JSONDecoder().decode(ChatCases.self, from: Data(contentsOf: url)).chat
    }

    func testLLaDATemplateRendersAsJinjaDoes() throws {
        for name in ["llama3-split", "digits-bytelevel"] {
            let tokenizer = try TokenizerFixture.tokenizer(name)
            for sample in try chatCases(name) {
                XCTAssertEqual(try tokenizer.chatTemplate().render([.user(sample.prompt)]), sample.rendered)
                XCTAssertEqual(try tokenizer.promptIDs(for: sample.prompt, chat: true), sample.ids)
            }
        }
    }

    func testLLaDAPromptIsTheOneInTheDecodingSpec() throws {
        let template = try TokenizerFixture.tokenizer("llama3-split").chatTemplate()
        XCTAssertEqual(template.render([.user("{question}")]),
                       "<|startoftext|><|start_header_id|>user<|end_header_id|>\n\n{question}<|eot_id|>"
                       + "<|start_header_id|>assistant<|end_header_id|>\n\n")
    }

    func testNoTemplateMeansThePlainPromptAfterBOSWhenConfigured() throws {
        let tokenizer = try TokenizerFixture.tokenizer("gpt2-bytelevel")
        XCTAssertEqual(try tokenizer.chatTemplate(), .plain)
        XCTAssertTrue(tokenizer.addsBOS)
        let bos = try XCTUnwrap(tokenizer.specialTokens.bos)
        XCTAssertEqual(try tokenizer.promptIDs(for: "Hi there", chat: true), [bos] + (try tokenizer.encode("Hi there")))
        XCTAssertEqual(try tokenizer.promptIDs(for: "Hi there", chat: false), [bos] + (try tokenizer.encode("Hi there")))
    }

    func testUnknownTemplateIsAnErrorOnlyWhenChatting() throws {
        let config = #"{"chat_template": "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>{% endfor %}"}"#
        let tokenizer = try TokenizerFixture.inline(TokenizerFixture.byteLevelJSON(), config: config)
        XCTAssertEqual(try tokenizer.promptIDs(for: "a", chat: false), [Int(Character("a").asciiValue!)])
        XCTAssertThrowsError(try tokenizer.promptIDs(for: "a", chat: true)) { error in
            XCTAssertEqual(error as? TokenizerError, .unknownChatTemplate(file: "tokenizer_config.json"))
            XCTAssertTrue("\(error)".hasPrefix("tokenizer_config.json: chat_template is not a known family"))
        }
    }

    func testLLaMA31TemplateWithToolsIsNotMistakenForLLaDA() throws {
        let template = "{{ bos_token }}{% if tools %}{{ date_string }}{% endif %}{% for message in messages %}"
            + "<|start_header_id|>{{ message['role'] }}<|end_header_id|>\n\n{{ message['content'] | trim }}<|eot_id|>{% endfor %}"
        XCTAssertThrowsError(try ChatTemplate(template: template, bosToken: "<s>", file: "tokenizer_config.json"))
    }
}
