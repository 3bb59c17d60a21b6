#!/usr/bin/env python3
"""Checks that the generators do not write the hand-written questions (issue 16's second held-out file).

Every question of tools/data/tiny-arith-v2/handwritten.jsonl should keep at least one sentence that no
generated question contains (numbers aside): otherwise the file stops testing phrasings the model was
not trained on. Draws `--draws` tasks of the training stream (story_forms' shapes included) plus as
many of story_forms alone, and lists each hand-written question whose sentences were all produced.
Exit code 1 when any is listed.

    python3 tools/check_handwritten.py [--draws 200000]          # about 25 s
"""
from __future__ import annotations

import argparse
import itertools
import random
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import story_forms  # noqa: E402
import task_stream  # noqa: E402

HANDWRITTEN = task_stream.DATA / "handwritten.jsonl"


def sentences(text: str) -> list[str]:
    text = re.sub(r"\d+", "N", text)
    return [s.strip() for s in re.split(r"(?<=[.?!])\s+", text) if s.strip()]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--draws", type=int, default=200_000)
    args = ap.parse_args()
    seen: set[str] = set()
    stream = task_stream.training_stream(11, task_stream.Mixture(drill=0.25, forms=0.12, story_drill=0.3))
    for task in itertools.islice(stream, args.draws):
        seen.update(sentences(task.question))
    rng, drawn = random.Random(12), 0
    while drawn < args.draws:
        task = story_forms.form_task(rng)
        if task is not None:
            drawn += 1
            seen.update(sentences(task.question))
    produced = []
    for task in task_stream.read_jsonl(HANDWRITTEN):
        unseen = [s for s in sentences(task["prompt"]) if s not in seen]
        if not unseen:
            produced.append(task)
            print(f"{task['id']}: {task['prompt']}  (not produced: {unseen})")
    print(f"{len(produced)} of the hand-written questions produced by the generators"
          f" ({args.draws:,} stream draws + {args.draws:,} story_forms draws)")
    sys.exit(1 if produced else 0)


if __name__ == "__main__":
    main()
