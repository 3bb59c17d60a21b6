#!/usr/bin/env python3
"""Writes the tokenizer fixtures that the Swift tests compare against.

Every fixture folder holds a tokenizer.json (and maybe a tokenizer_config.json) produced with the
Hugging Face `tokenizers` library, plus expected.json: for each corpus text the ids that library
encodes (without post-processing) and its decoded text. The Swift tokenizer must agree exactly.

    python3 tools/make_tokenizer_fixtures.py            # rewrite Tests/ModelsTests/Fixtures/tokenizers
    python3 tools/make_tokenizer_fixtures.py --large DIR  # a synthetic 126k-entry tokenizer, for timing

Needs `tokenizers` (0.23 was used) and `jinja2`. CI never runs this; the outputs are committed.
"""
import argparse
import json
import random
from pathlib import Path

import jinja2
import jinja2.sandbox
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, pre_tokenizers, trainers

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "Tests" / "ModelsTests" / "Fixtures" / "tokenizers"

# LLaMA-3's split pattern, which LLaDA-8B's tokenizer.json also uses.
LLAMA3_PATTERN = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}"
    r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
)

# LLaDA-8B-Instruct's chat template, as its tokenizer_config.json ships it.
LLADA_CHAT_TEMPLATE = (
    "{% set loop_messages = messages %}{% for message in loop_messages %}"
    "{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    "+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}"
    "{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}"
)

LLADA_SPECIALS = [
    "<|startoftext|>", "<|endoftext|>", "<|mdm_mask|>",
    "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>",
]

TRAINING_TEXT = """\
The quick brown fox jumps over the lazy dog. It's what they'd said they'll do, and we've done it.
Natalia sold clips to 48 of her friends in April, and then she sold half as many clips in May.
How many clips did Natalia sell altogether in April and May? 48 / 2 = 24. 48 + 24 = 72.
Weng earns $12 an hour for babysitting. Yesterday, she just did 50 minutes of babysitting.
def answer(x):\n    return x * 2 + 1  # doubles and adds one\n\n\tif x > 10:\n\t\tprint("big")
Diffusion language models fill a masked canvas in any order; the order they choose matters.
Therefore the answer is 1024. So the final answer is 3.14159, not 2.71828 or 1,000,000.
人工智能正在改变世界。我们今天学习数学和语言。東京は日本の首都です。한국어도 조금 있어요.
Émile a visité Zürich, São Paulo et Kraków; naïve café façade coöperate résumé.
Emoji: 😀 😃 👍🏽 👨‍👩‍👧‍👦 🇫🇷 ❤️ ✨ — and some dashes – and “quotes” and ‘single’ ones…
"""

CORPUS = [
    "Hello world",
    "Hello, world! It's a test. DON'T SHOUT; I'LL whisper, we'Ve seen it, she'D go.",
    "  leading spaces and trailing spaces   ",
    "tabs\tand\t\ttabs and\nnewlines\n\n\nand\r\nwindows\r\nline ends\n",
    "whitespace runs:      x     \n    \n  y\u3000z\u00a0w",
    "digits 0 12 345 6789 1234567890 3.14159 1,000,000 -42 +7 1e10 ２０２４ ١٢٣ x² ½ ①",
    "人工智能正在改变世界。我们今天学习数学和语言。",
    "東京は日本の首都です。ｶﾀｶﾅ and 한국어 텍스트.",
    "emoji 😀😃 👍🏽 👨‍👩‍👧‍👦 🇫🇷🇩🇪 ❤️ 🤖",
    "combining: e\u0301 a\u0308 n\u0303 Z\u0351\u0352\u0353 ǅ ß ẞ ﬁ",
    "precomposed é vs decomposed e\u0301 in café and cafe\u0301",
    "hangul 한국 and decomposed \u1112\u1161\u11ab\u1100\u116e\u11a8 alone, 한국어 joined",
    "<|startoftext|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
    "<|start_header_id|>assistant<|end_header_id|>\n\n",
    "masks inline:<|mdm_mask|><|mdm_mask|> a<|mdm_mask|>b <|endoftext|>",
    "almost special: <|endoftext <|eot_id| |mdm_mask|> <|unknown|>",
    "def f(x):\n    return x ** 2  # square\n\n\tprint(f(3))\n",
    "'s 't 're 've 'm 'll 'd 'S 'T 'RE x'ſ y'\u212a quotes ' ' '' 'x",
    "punctuation!!! ??? ... --- === *** ((( ))) {{}} [[ ]] <<>> @@ ## $$ %% ^^ && ||",
    "mixed123abc456def 7up 4ever a1b2c3 v2.0.1 #1 no.5",
    "Émile visited Zürich, São Paulo and Kraków; naïve café façade.",
    "Arabic مرحبا بالعالم Hebrew שלום עולם Hindi नमस्ते दुनिया Thai สวัสดีชาวโลก",
    "zero\u200bwidth\u200djoiner\ufeffbom and \U0001F600\U0001F601 astral \U00031350 CJK-H",
    "",
    " ",
    "\n",
    "a",
    "The quick brown fox jumps over the lazy dog. The quick brown fox jumps over the lazy dog.",
    "Natalia sold 48 clips in April and 24 in May: 48 + 24 = 72 clips altogether.",
    "<note> is a plain added token; <note>inline</note> and  <note>  spaced",
]


CHAT_PROMPTS = [
    "What is 2+2?",
    "  padded with spaces and a newline \n",
    "Natalia sold 48 clips<|eot_id|> with a special inside",
    "\u3000全角スペース\u3000",
    "\x1cseparators Python strips\x1f",
]


def render_chat(template, bos_token, prompt):
    """Renders one user turn as transformers' apply_chat_template does."""
    environment = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    return environment.from_string(template).render(
        messages=[{"role": "user", "content": prompt}], bos_token=bos_token, add_generation_prompt=True)


def train(pre_tokenizer, vocab_size=800, ignore_merges=False):
    tok = Tokenizer(models.BPE(ignore_merges=ignore_merges))
    tok.pre_tokenizer = pre_tokenizer
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[],
        show_progress=False,
    )
    tok.train_from_iterator([TRAINING_TEXT] * 3 + CORPUS, trainer)
    return tok


def write(name, tok, config=None, merges_as_strings=False, round_trip=True, edit=None):
    """Saves tok (after `edit` rewrites its JSON), reloads it and records what the library encodes."""
    spec = json.loads(tok.to_str())
    if edit:
        edit(spec)
    if merges_as_strings:
        spec["model"]["merges"] = [" ".join(pair) for pair in spec["model"]["merges"]]
    text = json.dumps(spec, ensure_ascii=False, indent=1)
    reloaded = Tokenizer.from_str(text)
    folder = FIXTURES / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokenizer.json").write_text(text, encoding="utf-8")
    if config is not None:
        (folder / "tokenizer_config.json").write_text(
            json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")
    cases = []
    for sample in CORPUS:
        ids = reloaded.encode(sample, add_special_tokens=False).ids
        cases.append({
            "text": sample,
            "ids": ids,
            "decoded": reloaded.decode(ids, skip_special_tokens=True),
            "decodedWithSpecials": reloaded.decode(ids, skip_special_tokens=False),
        })
    expected = {"roundTrip": round_trip, "vocabularySize": reloaded.get_vocab_size(True), "cases": cases}
    if config and config.get("chat_template"):
        expected["chat"] = []
        for prompt in CHAT_PROMPTS:
            rendered = render_chat(config["chat_template"], config.get("bos_token"), prompt)
            ids = reloaded.encode(rendered, add_special_tokens=False).ids
            expected["chat"].append({"prompt": prompt, "rendered": rendered, "ids": ids})
    (folder / "expected.json").write_text(
        json.dumps(expected, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"{name}: {len(spec['model']['vocab'])} vocab entries")


def llada_config(chat_template=LLADA_CHAT_TEMPLATE):
    config = {
        "add_bos_token": False,
        "add_eos_token": False,
        "bos_token": "<|startoftext|>",
        "eos_token": "<|endoftext|>",
        "pad_token": "<|endoftext|>",
        "tokenizer_class": "PreTrainedTokenizerFast",
        "model_max_length": 1000000000000000019884624838656,
    }
    if chat_template is not None:
        config["chat_template"] = chat_template
    return config


def gpt2_bytelevel():
    """Plain GPT-2 style: ByteLevel with its own regex, specials and a normal added token."""
    tok = train(pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True))
    tok.add_special_tokens(["<|endoftext|>", "<|startoftext|>", "<|mdm_mask|>"])
    tok.add_tokens([AddedToken("<note>", normalized=True)])
    config = {"bos_token": {"content": "<|startoftext|>", "__type": "AddedToken"},
              "eos_token": "<|endoftext|>", "add_bos_token": True}
    write("gpt2-bytelevel", tok, config, merges_as_strings=True)


def llama3_split():
    """LLaDA-8B's shape: Split(LLaMA-3 regex) then ByteLevel without its regex, ignore_merges."""
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), "isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    tok = train(pre, ignore_merges=True)
    tok.add_special_tokens(LLADA_SPECIALS)
    write("llama3-split", tok, llada_config())


def digits_bytelevel():
    """The bundled model's shape: Digits(individual) then ByteLevel, LLaDA specials and template."""
    pre = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True),
    ])
    tok = train(pre)
    tok.add_special_tokens(LLADA_SPECIALS)
    write("digits-bytelevel", tok, llada_config())


def variants():
    """Rarer options on one trained model: NFC, prefix spaces, stripping added tokens, split behaviours."""
    base = train(pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True), vocab_size=400)

    def prefix_space_nfc(spec):
        spec["normalizer"] = {"type": "NFC"}
        spec["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
            {"type": "Digits", "individual_digits": False},
            {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        ]}
        base_id = len(spec["model"]["vocab"])
        spec["added_tokens"] = [
            {"id": base_id, "content": "<|mdm_mask|>", "single_word": False, "lstrip": True,
             "rstrip": True, "normalized": False, "special": True},
            {"id": base_id + 1, "content": "<|eot_id|>", "single_word": False, "lstrip": False,
             "rstrip": True, "normalized": False, "special": True},
            {"id": base_id + 2, "content": "한국", "single_word": True, "lstrip": False,
             "rstrip": False, "normalized": True, "special": False},
            {"id": base_id + 3, "content": "<note>", "single_word": False, "lstrip": True,
             "rstrip": False, "normalized": True, "special": False},
        ]

    def split_behaviours(spec):
        def split(pattern, behavior, invert=False):
            return {"type": "Split", "pattern": pattern, "behavior": behavior, "invert": invert}
        spec["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
            split({"String": " "}, "MergedWithPrevious"),
            split({"Regex": r"\p{N}+"}, "MergedWithNext"),
            split({"Regex": r"[,.;:!?]"}, "Removed"),
            split({"Regex": r"[^\p{L}\p{N}]"}, "Contiguous"),
            split({"Regex": r"\p{Lu}"}, "Isolated", invert=True),
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        ]}

    def gpt2_regex_split(spec):
        spec["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
            {"type": "Split", "pattern": {"Regex":
                r"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"},
             "behavior": "Isolated", "invert": False},
            {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
        ]}

    write("prefix-space-nfc", base, round_trip=False, edit=prefix_space_nfc)
    write("split-behaviours", base, round_trip=False, edit=split_behaviours)
    write("gpt2-regex-split", base, edit=gpt2_regex_split)


def large(folder):
    """A 126k-entry vocabulary with consistent merges (random byte-level pairs), to time loading."""
    rng = random.Random(0)
    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    vocab = {symbol: i for i, symbol in enumerate(alphabet)}
    tokens = list(alphabet)
    merges = []
    while len(vocab) < 126_000:
        a, b = rng.choice(tokens), rng.choice(tokens)
        if len(a) + len(b) > 12 or a + b in vocab:
            continue
        vocab[a + b] = len(vocab)
        tokens.append(a + b)
        merges.append([a, b])
    spec = json.loads(train(pre_tokenizers.ByteLevel(), vocab_size=300).to_str())
    spec["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": LLAMA3_PATTERN}, "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
    ]}
    spec["model"]["vocab"], spec["model"]["merges"] = vocab, merges
    spec["added_tokens"] = [
        {"id": len(vocab) + i, "content": content, "single_word": False, "lstrip": False,
         "rstrip": False, "normalized": False, "special": True}
        for i, content in enumerate(LLADA_SPECIALS)]
    Path(folder).mkdir(parents=True, exist_ok=True)
    (Path(folder) / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")
    (Path(folder) / "tokenizer_config.json").write_text(json.dumps(llada_config()), encoding="utf-8")
    Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    print(f"{folder}: {len(vocab)} vocab entries, {len(merges)} merges")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", metavar="DIR", help="write only the synthetic large tokenizer to DIR")
    args = parser.parse_args()
    if args.large:
        large(args.large)
        return
    gpt2_bytelevel()
    llama3_split()
    digits_bytelevel()
    variants()


if __name__ == "__main__":
    main()
