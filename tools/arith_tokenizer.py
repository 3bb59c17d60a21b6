"""Byte-level BPE tokenizer of the bundled tiny-arith model, with LLaDA's special tokens and chat template.

Digits are split one per token before the byte-level step (a `Digits(individual_digits=True)`
pre-tokenizer), so "19 + 7" is "1", "9", "Ġ+", "Ġ", "7": the model adds digit by digit instead of
memorising a table of multi-digit tokens (see spec TRAINING-NOTES.md).

    python tools/arith_tokenizer.py --out tools/work/tokenizer   # train and write both JSON files
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

import itertools
from collections import Counter

import task_stream

BOS = "<|startoftext|>"
EOS = "<|endoftext|>"           # also the padding token, as in LLaDA
MASK = "<|mdm_mask|>"
START_HEADER = "<|start_header_id|>"
END_HEADER = "<|end_header_id|>"
EOT = "<|eot_id|>"
SPECIAL_TOKENS = [BOS, EOS, MASK, START_HEADER, END_HEADER, EOT]   # ids 0..5 in this order

DEFAULT_VOCAB_SIZE = 1024       # v1's corpus ran out of merges at ~570 entries; v2's wider names and items fill 1024
CORPUS_TASKS = 30_000
CORPUS_SEED = 5

# Equivalent to GSAI-ML/LLaDA-8B-Instruct's template: BOS before the first turn, each turn as
# header + "\n\n" + trimmed content + <|eot_id|>, then the assistant header as generation prompt.
CHAT_TEMPLATE = (
    "{% for message in messages %}"
    "{% if loop.first %}{{ bos_token }}{% endif %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim + '<|eot_id|>' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{% endif %}"
)


def render_prompt(question: str) -> str:
    """The single-turn rendering of CHAT_TEMPLATE with add_generation_prompt (spec DECODING.md)."""
    return (f"{BOS}{START_HEADER}user{END_HEADER}\n\n{question.strip()}{EOT}"
            f"{START_HEADER}assistant{END_HEADER}\n\n")


def train_tokenizer(vocab_size: int = DEFAULT_VOCAB_SIZE, corpus_tasks: int = CORPUS_TASKS) -> Tokenizer:
    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=True),
        pre_tokenizers.ByteLevel(add_prefix_space=False),
    ])
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    # v2 corpus (issue 16): with v1's 566 entries, the new names and items were spelled byte by byte
    # and prompts were twice as long (max 145 tokens against 73).
    tasks = itertools.islice(task_stream.training_stream(CORPUS_SEED), corpus_tasks)
    corpus = [render_prompt(t.question) + t.solution for t in tasks]
    tokenizer.train_from_iterator(corpus, trainer=trainer)
    for i, token in enumerate(SPECIAL_TOKENS):
        assert tokenizer.token_to_id(token) == i, (token, tokenizer.token_to_id(token))
    return tokenizer


def extend_tokenizer(base: Tokenizer, vocab_size: int = DEFAULT_VOCAB_SIZE,
                     corpus_tasks: int = CORPUS_TASKS) -> Tokenizer:
    """`base` with merges learnt on the v2 corpus appended until `vocab_size` entries: every id and merge
    of `base` keeps its meaning, so a model trained with `base` can go on training with the result (v2
    starts from v1's weights; its new embedding rows start from the tokens they merge).

    Byte-pair merging as the BPE trainer does it: on the corpus's pre-tokenized words, spelt with
    `base`, repeatedly merge the most frequent adjacent pair (ties: the lexically first)."""
    tasks = itertools.islice(task_stream.training_stream(CORPUS_SEED), corpus_tasks)
    specials = "|".join(map(re.escape, SPECIAL_TOKENS))
    words: Counter = Counter()
    for task in tasks:
        for text in re.split(specials, render_prompt(task.question) + task.solution):
            for piece, _ in base.pre_tokenizer.pre_tokenize_str(text):
                words[tuple(t.value for t in base.model.tokenize(piece))] += 1
    spec = json.loads(base.to_str())
    vocab, merges = spec["model"]["vocab"], spec["model"]["merges"]
    words = {w: c for w, c in words.items() if len(w) > 1}
    while len(vocab) < vocab_size:
        pairs: Counter = Counter()
        for word, count in words.items():
            for pair in zip(word, word[1:]):
                pairs[pair] += count
        if not pairs:
            break
        best = min(pairs, key=lambda pair: (-pairs[pair], pair))
        joined = best[0] + best[1]
        vocab[joined] = len(vocab)
        merges.append(list(best))
        merged = {}
        for word, count in words.items():
            out, i = [], 0
            while i < len(word):
                if i + 1 < len(word) and (word[i], word[i + 1]) == best:
                    out.append(joined)
                    i += 2
                else:
                    out.append(word[i])
                    i += 1
            if len(out) > 1:
                merged[tuple(out)] = merged.get(tuple(out), 0) + count
        words = merged
    return Tokenizer.from_str(json.dumps(spec))


def tokenizer_config() -> dict:
    """tokenizer_config.json in the shape of LLaDA-8B-Instruct's, plus an explicit mask_token."""
    return {
        "add_bos_token": False,
        "add_eos_token": False,
        "added_tokens_decoder": {
            str(i): {"content": token, "lstrip": False, "normalized": False, "rstrip": False,
                     "single_word": False, "special": True}
            for i, token in enumerate(SPECIAL_TOKENS)
        },
        "bos_token": BOS,
        "eos_token": EOS,
        "pad_token": EOS,
        "mask_token": MASK,
        "chat_template": CHAT_TEMPLATE,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 256,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }


def write_tokenizer(tokenizer: Tokenizer, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(folder / "tokenizer.json"))
    (folder / "tokenizer_config.json").write_text(json.dumps(tokenizer_config(), indent=2) + "\n")


def load_tokenizer(folder: Path) -> Tokenizer:
    return Tokenizer.from_file(str(folder / "tokenizer.json"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True, help="folder for tokenizer.json and tokenizer_config.json")
    ap.add_argument("--vocab-size", type=int, default=DEFAULT_VOCAB_SIZE)
    args = ap.parse_args()
    tokenizer = train_tokenizer(args.vocab_size)
    write_tokenizer(tokenizer, args.out)
    sample = next(task_stream.training_stream(CORPUS_SEED))
    ids = tokenizer.encode(render_prompt(sample.question) + sample.solution).ids
    print(f"vocab {tokenizer.get_vocab_size()}, sample of {len(ids)} tokens:")
    print(" ".join(tokenizer.id_to_token(i) for i in ids))


if __name__ == "__main__":
    main()
