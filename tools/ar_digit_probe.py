#!/usr/bin/env python3
"""How often the model gets an equation's result digits right in AR context (issue 16).

Each result digit of a worked answer is predicted teacher-forced: the prompt and the gold answer up
to that digit are visible, the digit and everything after it masked (what AR order sees when it gets
there); the argmax is compared with the gold digit. On drills a result is never restated; in a word
problem it is (the next step's operand, the answer line), which random masking lets the model copy
instead of computing. The two sources side by side tell missing arithmetic from arithmetic the model
has but does not use in a word problem's context.

    python3 tools/ar_digit_probe.py                                  # the bundled model, easy split
    python3 tools/ar_digit_probe.py --model DIR --source drill --count 150

Prints digit accuracy overall, by digit (lead / units of a two-digit result), by operation and by
the equation's place in the answer (eq0 = first).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import arith_tokenizer  # noqa: E402
import short_tasks  # noqa: E402
import task_stream  # noqa: E402
import tiny_eval  # noqa: E402
import word_problems  # noqa: E402
from llada_reference import load_llada  # noqa: E402

BUNDLED = Path(__file__).resolve().parent.parent / "Sources" / "Models" / "Resources" / "tiny-arith"
OPERATORS = {"Ġ+": "+", "Ġ-": "-", "Ġ*": "*", "Ġ/": "/"}


def tasks_of(source: str, count: int) -> list[word_problems.Task]:
    if source == "easy":      # the easy held-out split, regenerated with its worked answers
        return task_stream.heldout_split("easy_heldout", task_stream.EASY_SEED, task_stream.EASY_COUNT)[:count]
    rng = random.Random(7)
    return [short_tasks.drill(rng, word_problems.EASY) for _ in range(count)]


def result_digits(tokens: list[str]) -> list[tuple[int, str, str, int]]:
    """(position, digit kind, operator, equation index) of each digit after "= " in the answer."""
    found, equation = [], 0
    for i in range(3, len(tokens) - 1):
        if tokens[i] != "Ġ=" or tokens[i + 1] != "Ġ":
            continue
        end = i + 2
        while end < len(tokens) and tokens[end].isdigit():
            end += 1
        operator = next((OPERATORS[t] for t in reversed(tokens[max(0, i - 4):i]) if t in OPERATORS), "?")
        for k in range(i + 2, end):
            kind = "units" if k == end - 1 else "lead"
            found.append((k, kind, operator, equation))
        equation += 1
    return found


@torch.no_grad()
def probe(model, tokenizer, tasks, gen_length: int, batch: int = 64) -> tuple[Counter, Counter]:
    mask, eos = model.config.mask_token_id, model.config.eos_token_id
    rows = []
    for task in tasks:
        prompt = tokenizer.encode(arith_tokenizer.render_prompt(task.question), add_special_tokens=False).ids
        answer = tokenizer.encode(task.solution, add_special_tokens=False).ids
        tokens = [tokenizer.id_to_token(i) for i in answer]
        for position, kind, operator, equation in result_digits(tokens):
            rows.append((prompt, answer[:position], answer[position], (kind, operator, min(equation, 3))))
    right, total = Counter(), Counter()
    for start in range(0, len(rows), batch):
        chunk = rows[start:start + batch]
        canvas, attend = tiny_eval.masked_canvas([p for p, *_ in chunk], gen_length, mask, eos)
        at = []
        for r, (prompt, prefix, _, _) in enumerate(chunk):
            canvas[r, len(prompt):len(prompt) + len(prefix)] = torch.tensor(prefix, dtype=torch.long)
            at.append(len(prompt) + len(prefix))
        predicted = model(canvas, attend)[torch.arange(len(chunk)), torch.tensor(at)].argmax(dim=-1)
        for r, (_, _, gold, (kind, operator, equation)) in enumerate(chunk):
            for key in ("all", kind, "op" + operator, f"eq{equation}"):
                right[key] += int(predicted[r]) == gold
                total[key] += 1
    return right, total


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, default=BUNDLED, help="an exported model folder (default: the bundled one)")
    ap.add_argument("--source", choices=("easy", "drill"), default="easy",
                    help="easy: the easy held-out split's worked answers; drill: training-stream drills")
    ap.add_argument("--count", type=int, default=300, help="tasks probed")
    ap.add_argument("--threads", type=int, default=1)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    _, model = load_llada(args.model)
    model.eval()
    tokenizer = arith_tokenizer.load_tokenizer(args.model)
    gen_length = json.loads((args.model / "generation_config.json").read_text())["gen_length"]
    right, total = probe(model, tokenizer, tasks_of(args.source, args.count), gen_length)
    print(f"{args.model.name} ({args.source}): " + " ".join(
        f"{key} {right[key]}/{total[key]} = {right[key] / total[key]:.3f}" for key in sorted(total)))


if __name__ == "__main__":
    main()
