"""The training stream and the held-out splits of the bundled tiny-arith model's tasks (issue 16).

Splits:
  easy   1-3 operations (or bare arithmetic), every number in the question <= 20, every result <= 50;
  hard   4 operations with amounts up to 30 and results up to 99 (training sees this distribution in
         a small share, so the hard split measures what the model does at the edge of its training);
  ood    out-of-domain prompts, answered with short_tasks.REFUSAL;
and the held-out tasks are disjoint from training by construction (word_problems.is_heldout): the
training stream rejects every held-out canonical task, in whatever phrasing or shape.

    python tools/task_stream.py --show 8                    # sample training tasks
    python tools/task_stream.py --write-heldout tools/data/tiny-arith-v2
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import story_forms
from short_tasks import REFUSAL, bare_arithmetic, drill, out_of_domain, story_drill
from word_problems import EASY, HARD, Task, word_problem

DATA = Path(__file__).resolve().parent / "data" / "tiny-arith-v2"   # the held-out files, hand-written ones, notes
EASY_SEED, HARD_SEED, OOD_SEED = 20261205, 20261206, 20261207
EASY_COUNT, HARD_COUNT, OOD_COUNT = 300, 200, 30


@dataclass(frozen=True)
class Mixture:
    """Shares of a training stream (normalised)."""
    easy: float = 0.62          # 1-4 operations within EASY (operation counts weighted by EASY_OPERATIONS)
    hard: float = 0.10          # 4 operations within HARD
    bare: float = 0.10
    drill: float = 0.155
    ood: float = 0.025
    forms: float = 0.0          # story_forms.py's shapes; 0 keeps the streams of runs from before it
    story_drill: float = 0.0    # short_tasks.story_drill; 0 keeps the streams of runs from before it


EASY_OPERATIONS = {1: 0.25, 2: 0.30, 3: 0.30, 4: 0.15}


def draw(rng: random.Random, kind: str) -> Task:
    while True:
        if kind == "easy":
            n = rng.choices(list(EASY_OPERATIONS), weights=list(EASY_OPERATIONS.values()))[0]
            task = word_problem(rng, n, EASY)
        elif kind == "easy_heldout":    # the easy split: 1-3 operations or bare arithmetic
            task = bare_arithmetic(rng, EASY) if rng.random() < 0.1 else word_problem(rng, rng.randint(1, 3), EASY)
        elif kind == "hard":
            task = word_problem(rng, 4, HARD)
        elif kind == "bare":
            task = bare_arithmetic(rng, EASY)
        elif kind == "drill":
            task = drill(rng, EASY)
        elif kind == "ood":
            task = out_of_domain(rng)
        elif kind == "forms":
            task = story_forms.form_task(rng)
        elif kind == "story_drill":
            task = story_drill(rng, EASY)
        else:
            raise ValueError(kind)
        if task is not None:
            return task


def training_stream(seed: int, mixture: Mixture = Mixture()) -> Iterator[Task]:
    """Endless training tasks; never a held-out canonical task (drills, which no split holds, excepted)."""
    rng = random.Random(seed)
    kinds = ["easy", "hard", "bare", "drill", "ood", "forms", "story_drill"]   # a weight of 0 at the end changes no draw
    weights = [getattr(mixture, k) for k in kinds]
    while True:
        task = draw(rng, rng.choices(kinds, weights=weights)[0])
        if task.canonical.startswith("drill|") or not task.heldout:
            yield task


def heldout_split(kind: str, seed: int, count: int) -> list[Task]:
    """`count` held-out tasks with distinct canonical forms: kind 'easy_heldout', 'hard' or 'ood'."""
    rng = random.Random(seed)
    seen: set[str] = set()
    tasks: list[Task] = []
    draws = 0
    while len(tasks) < count:
        draws += 1
        if draws > 200_000:
            raise RuntimeError(f"only {len(tasks)} held-out {kind} tasks after {draws} draws")
        task = draw(rng, kind)
        if task.heldout and task.canonical not in seen:
            seen.add(task.canonical)
            tasks.append(task)
    return tasks


def write_jsonl(path: Path, tasks: list[Task], prefix: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        for i, t in enumerate(tasks):
            answer = t.answer if t.answer is not None else REFUSAL
            f.write(json.dumps({"id": f"{prefix}-{i:03d}", "prompt": t.question, "answer": answer}) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def write_heldout(folder: Path) -> None:
    write_jsonl(folder / "heldout.jsonl", heldout_split("easy_heldout", EASY_SEED, EASY_COUNT), "heldout")
    write_jsonl(folder / "heldout-hard.jsonl", heldout_split("hard", HARD_SEED, HARD_COUNT), "hard")
    write_jsonl(folder / "heldout-ood.jsonl", heldout_split("ood", OOD_SEED, OOD_COUNT), "ood")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write-heldout", type=Path, help="folder for heldout.jsonl, heldout-hard.jsonl, heldout-ood.jsonl")
    ap.add_argument("--show", type=int, default=0, help="print this many training tasks")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.write_heldout:
        write_heldout(args.write_heldout)
        print(f"wrote the held-out splits to {args.write_heldout}")
    stream = training_stream(args.seed)
    for _ in range(args.show):
        t = next(stream)
        print(f"Q: {t.question}\nA: {t.solution}\n= {t.answer}   [{t.canonical}]\n")


if __name__ == "__main__":
    main()
