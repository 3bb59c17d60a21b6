#!/usr/bin/env python3
"""Where the bundled model's greedy decodes go wrong: each task of a file counted in one bucket, per order.

    python3 tools/miss_buckets.py                                   # the bundled model, first 60 easy tasks
    python3 tools/miss_buckets.py --model DIR --tasks FILE --limit 300 --examples 3

Buckets, first match wins: right; no answer line (no "answer is N"); wrong equation (an "a op b = c"
in the working whose arithmetic is false); wrong operation or number (every equation true, the
answer still wrong). The decode is tiny_eval's batched greedy one (AR order = leftmost mask first,
confidence order = likeliest mask first, one token per step: dscope's `--rule k --values 1`), and
the answer is read as dscope's answer-is checker reads it (the first number after the last "answer
is", any case). TRAINING.md's miss counts come from this script.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import arith_tokenizer  # noqa: E402
import task_stream  # noqa: E402
import tiny_eval  # noqa: E402
from llada_reference import load_llada  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "Sources" / "Models" / "Resources" / "tiny-arith"
ANSWER_IS = re.compile(r"answer is\D*?(-?\d+)", re.IGNORECASE)
EQUATION = re.compile(r"(\d+) ([-+*/×÷]) (\d+) = (-?\d+)")
BUCKETS = ("right", "no answer line", "wrong equation", "wrong operation or number")


def equation_holds(a: int, op: str, b: int, c: int) -> bool:
    if op == "+":
        return a + b == c
    if op == "-":
        return a - b == c
    if op in "*×":
        return a * b == c
    return b != 0 and a == b * c


def bucket(text: str, expected) -> str:
    if not str(expected).lstrip("-").isdigit():   # a refusal: right only as the whole text
        return "right" if text.strip() == expected else "wrong operation or number"
    found = ANSWER_IS.findall(text)
    if not found:
        return "no answer line"
    if int(found[-1]) == int(expected):
        return "right"
    if any(not equation_holds(int(a), op, int(b), int(c)) for a, op, b, c in EQUATION.findall(text)):
        return "wrong equation"
    return "wrong operation or number"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=BUNDLED, help="an exported model folder (default: the bundled one)")
    ap.add_argument("--tasks", type=Path, default=None, help="a JSONL task file (default: the model's heldout.jsonl)")
    ap.add_argument("--limit", type=int, default=60, help="the first N tasks (0: all)")
    ap.add_argument("--orders", default="confidence,ar")
    ap.add_argument("--examples", type=int, default=2, help="misses printed per bucket and order")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    tasks = task_stream.read_jsonl(args.tasks or args.model / "heldout.jsonl")
    tasks = tasks[:args.limit] if args.limit else tasks
    _, model = load_llada(args.model)
    model.eval()
    tokenizer = arith_tokenizer.load_tokenizer(args.model)
    gen_length = json.loads((args.model / "generation_config.json").read_text())["gen_length"]
    prompts = [tokenizer.encode(arith_tokenizer.render_prompt(t["prompt"]), add_special_tokens=False).ids for t in tasks]
    for order in args.orders.split(","):
        counts, examples = Counter(), {}
        for start in range(0, len(tasks), 50):
            outputs = tiny_eval.greedy_decode(model, prompts[start:start + 50], gen_length, model.config.mask_token_id,
                                               model.config.eos_token_id, order)
            for task, ids in zip(tasks[start:start + 50], outputs):
                text = tokenizer.decode(ids, skip_special_tokens=True)
                name = bucket(text, task["answer"])
                counts[name] += 1
                examples.setdefault(name, []).append((task, text))
        print(f"{order}: " + ", ".join(f"{counts[name]} {name}" for name in BUCKETS) + f" (of {len(tasks)})")
        for name in BUCKETS[1:]:
            for task, text in examples.get(name, [])[:args.examples]:
                print(f"  [{name}] {task['prompt']}  (answer {task['answer']})\n    → {' '.join(text.split())}")


if __name__ == "__main__":
    main()
