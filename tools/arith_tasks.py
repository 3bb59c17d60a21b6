"""Seeded generator of multi-step arithmetic word problems with worked answers (issue 4).

Every task follows one person's count of one kind of item through 2-3 operations (buy / find /
receive, give away / sell / lose, double / triple, halve, share equally, compare with a friend).
The worked answer spells out each operation as "x op y = z" with the connectives the project
watches ("so", "Then", "Therefore") and ends with the line "The answer is N.".

Numbers stay small so that a model of a few million parameters can learn the arithmetic:
start values 2..20, added / removed / compared amounts 2..9, doubling, divisors 2..4, and every
intermediate result in 0..50. (A first run with amounts up to 20, tripling and results up to 99 reached
only 10% greedy accuracy after 4,300 steps: the arithmetic, not the language, was the bottleneck.)

    python tools/arith_tasks.py --heldout Sources/Models/Resources/tiny-arith/heldout.jsonl
    python tools/arith_tasks.py --show 5
"""

from __future__ import annotations

import argparse
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

MAX_VALUE = 50          # every intermediate result stays in 0..MAX_VALUE
MAX_OPERAND = 9         # amounts added / removed / compared
START_RANGE = (2, 20)
MAX_DIVISOR = 4         # shares among 2..4
HELDOUT_SEED = 20240601
TRAIN_SEED = 7
HELDOUT_COUNT = 300


@dataclass(frozen=True)
class ArithTask:
    question: str
    solution: str       # worked answer; its last line is "The answer is {answer}."
    answer: int


# ----------------------------------------------------------------------------------------------
# Vocabulary of the stories

PEOPLE = [  # (name, subject pronoun, object pronoun, possessive)
    ("Sam", "he", "him", "his"), ("Tom", "he", "him", "his"), ("Ben", "he", "him", "his"),
    ("Leo", "he", "him", "his"), ("Max", "he", "him", "his"), ("Omar", "he", "him", "his"),
    ("Raj", "he", "him", "his"), ("Hugo", "he", "him", "his"), ("Ivan", "he", "him", "his"),
    ("Noah", "he", "him", "his"), ("Mia", "she", "her", "her"), ("Ana", "she", "her", "her"),
    ("Zoe", "she", "her", "her"), ("Ivy", "she", "her", "her"), ("Eva", "she", "her", "her"),
    ("Lily", "she", "her", "her"), ("Nora", "she", "her", "her"), ("Emma", "she", "her", "her"),
    ("Sara", "she", "her", "her"), ("Yuki", "she", "her", "her"),
]
ITEMS = ["apples", "pens", "cards", "marbles", "stickers", "books", "coins", "shells", "cookies",
         "stamps", "pencils", "eggs", "balloons", "candies", "rocks", "flowers", "toys", "buttons"]


@dataclass
class Story:
    name: str
    he: str
    him: str
    his: str
    friend: str
    items: str

    @property
    def He(self) -> str:
        return self.he.capitalize()


# ----------------------------------------------------------------------------------------------
# Operations: each turns the count x into a new count and returns (question sentence, solution
# clause, new count, summary of the result or None for "{name} has {count} {items}"). Chain
# clauses leave out their subject; final clauses name the friend themselves.
#
# A chain operation keeps the question about the person's own count; a final operation changes what
# is asked (each friend's share, the friend's count, a difference) and ends the question itself.

@dataclass(frozen=True)
class Operation:
    name: str
    feasible: Callable[[int], bool]
    apply: Callable[[random.Random, Story, int], tuple[str, str, int, Optional[str]]]
    final: bool = False


def _add(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    b = rng.randint(2, min(MAX_OPERAND, MAX_VALUE - x))
    y = x + b
    q, verb = rng.choice([
        (f"{s.He} buys {b} more {s.items}.", f"buys {b} more"),
        (f"{s.He} finds {b} {s.items}.", f"finds {b}"),
        (f"{s.friend} gives {s.him} {b} {s.items}.", f"gets {b} from {s.friend}"),
        (f"{s.He} wins {b} {s.items} in a game.", f"wins {b}"),
    ])
    return q, f"{verb}, so {x} + {b} = {y}", y, None


def _subtract(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    b = rng.randint(2, min(MAX_OPERAND, x - 1))
    y = x - b
    q, verb = rng.choice([
        (f"{s.He} gives {b} {s.items} to {s.friend}.", f"gives away {b}"),
        (f"{s.He} sells {b} {s.items}.", f"sells {b}"),
        (f"{s.He} loses {b} {s.items}.", f"loses {b}"),
        (f"{s.He} uses {b} of {s.his} {s.items}.", f"uses {b}"),
    ])
    return q, f"{verb}, so {x} - {b} = {y}", y, None


def _multiply(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    q = rng.choice([
        f"{s.He} doubles the number of {s.items} {s.he} has.",
        f"{s.He} doubles {s.his} {s.items}.",
    ])
    return q, f"doubles them, so {x} * 2 = {x * 2}", x * 2, None


def _halve(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    y = x // 2
    q = rng.choice([
        f"{s.He} gives half of {s.his} {s.items} to {s.friend}.",
        f"{s.He} sells half of {s.his} {s.items}.",
    ])
    return q, f"keeps half, so {x} / 2 = {y}", y, None


def _share(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    k = rng.choice([k for k in range(2, MAX_DIVISOR + 1) if x % k == 0 and x >= k])
    y = x // k
    q = rng.choice([
        f"{s.He} shares the {s.items} equally among {k} friends. How many {s.items} does each friend get?",
        f"{s.He} puts the {s.items} into {k} equal boxes. How many {s.items} are in each box?",
    ])
    each = "each friend gets" if "friends" in q else "each box has"
    return q, f"{s.he} splits them into {k} equal parts, so {x} / {k} = {y}", y, \
        f"{each} {y} {s.items}"


def _compare_more(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    b = rng.randint(2, min(MAX_OPERAND, MAX_VALUE - x))
    y = x + b
    q = f"{s.friend} has {b} more {s.items} than {s.name}. How many {s.items} does {s.friend} have?"
    return q, f"{s.friend} has {b} more, so {x} + {b} = {y}", y, \
        f"{s.friend} has {y} {s.items}"


def _compare_fewer(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    b = rng.randint(2, min(MAX_OPERAND, x - 1))
    y = x - b
    q = f"{s.friend} has {b} fewer {s.items} than {s.name}. How many {s.items} does {s.friend} have?"
    return q, f"{s.friend} has {b} fewer, so {x} - {b} = {y}", y, \
        f"{s.friend} has {y} {s.items}"


def _compare_difference(rng: random.Random, s: Story, x: int) -> tuple[str, str, int, Optional[str]]:
    c = rng.randint(max(2, x - MAX_OPERAND), x - 1)     # the difference is an amount too
    y = x - c
    q = f"{s.friend} has {c} {s.items}. How many more {s.items} does {s.name} have than {s.friend}?"
    return q, f"{s.friend} has {c}, so {x} - {c} = {y}", y, \
        f"{s.name} has {y} more {s.items}"


CHAIN_OPERATIONS = [
    Operation("add", lambda x: x + 2 <= MAX_VALUE, _add),
    Operation("subtract", lambda x: x >= 3, _subtract),
    Operation("multiply", lambda x: 2 * x <= MAX_VALUE, _multiply),
    Operation("halve", lambda x: x >= 2 and x % 2 == 0, _halve),
]
FINAL_OPERATIONS = [
    Operation("share", lambda x: any(x % k == 0 and x >= k for k in range(2, MAX_DIVISOR + 1)), _share, final=True),
    Operation("compare_more", lambda x: x + 2 <= MAX_VALUE, _compare_more, final=True),
    Operation("compare_fewer", lambda x: x >= 3, _compare_fewer, final=True),
    Operation("compare_difference", lambda x: x >= 3, _compare_difference, final=True),
]


# ----------------------------------------------------------------------------------------------
# Tasks

def generate_task(rng: random.Random) -> ArithTask:
    """One task drawn from `rng`: 2 or 3 operations, the last one possibly a final (compare/share)."""
    name, he, him, his = rng.choice(PEOPLE)
    friend = rng.choice([p[0] for p in PEOPLE if p[0] != name])
    story = Story(name, he, him, his, friend, rng.choice(ITEMS))
    n_operations = rng.choice([2, 3])
    x = rng.randint(*START_RANGE)

    question = [f"{name} has {x} {story.items}."]
    clauses: list[str] = []
    summary: Optional[str] = None
    for i in range(n_operations):
        last = i == n_operations - 1
        candidates = [op for op in CHAIN_OPERATIONS if op.feasible(x)]
        if last and rng.random() < 0.5:
            finals = [op for op in FINAL_OPERATIONS if op.feasible(x)]
            if finals:
                candidates = finals
        op = rng.choice(candidates)
        sentence, clause, x, summary = op.apply(rng, story, x)
        assert 0 <= x <= MAX_VALUE, (op.name, x)
        question.append(sentence)
        # a chain clause has no subject ("buys 4 more, so ..."): the name first, then "Then he"
        if not op.final:
            clause = f"{name} {clause}" if i == 0 else f"Then {story.he} {clause}"
        clauses.append(clause)

    if summary is None:
        summary = f"{name} has {x} {story.items}"
        question.append(rng.choice([
            f"How many {story.items} does {name} have now?",
            f"How many {story.items} does {name} have in the end?",
        ]))

    lines = [_sentence(c) for c in clauses]
    lines.append(f"Therefore {summary}.")
    solution = " ".join(lines) + f"\nThe answer is {x}."
    return ArithTask(" ".join(question), solution, x)


def _sentence(clause: str) -> str:
    return clause[0].upper() + clause[1:] + "."


def unique_tasks(seed: int, count: int, exclude: Optional[set[str]] = None) -> list[ArithTask]:
    """`count` tasks with distinct question texts from a Random(seed) stream, skipping `exclude`."""
    rng = random.Random(seed)
    seen: set[str] = set(exclude or ())
    tasks: list[ArithTask] = []
    attempts = 0
    while len(tasks) < count:
        attempts += 1
        if attempts > 50 * count + 1000:
            raise RuntimeError(f"only {len(tasks)} distinct tasks after {attempts} draws; widen the templates")
        task = generate_task(rng)
        if task.question in seen:
            continue
        seen.add(task.question)
        tasks.append(task)
    return tasks


def heldout_tasks(count: int = HELDOUT_COUNT) -> list[ArithTask]:
    return unique_tasks(HELDOUT_SEED, count)


def train_tasks(count: int, seed: int = TRAIN_SEED) -> list[ArithTask]:
    """Training tasks: a different seed, de-duplicated, and never a held-out question."""
    return unique_tasks(seed, count, exclude={t.question for t in heldout_tasks()})


# ----------------------------------------------------------------------------------------------
# Arithmetic drills: bare equations of the kinds the worked answers use, as extra training data.
#
# In a worked answer every result is restated later (next equation, "Therefore", "The answer is"),
# so under random masking the model can usually copy a result instead of computing it. In a drill
# the operands sit in the (never masked) prompt and each result appears once, so every masked
# result digit asks for the arithmetic itself, in whichever order it is decoded.

DRILL_SEED = 11
DRILL_OPERATIONS = (("+", 0.35), ("-", 0.35), ("*", 0.15), ("/", 0.15))


def drill_equation(rng: random.Random) -> tuple[int, str, int, int]:
    """(x, op, b, result) with the operand ranges of generate_task, x spread over 2..MAX_VALUE."""
    op = rng.choices([o for o, _ in DRILL_OPERATIONS], weights=[w for _, w in DRILL_OPERATIONS])[0]
    if op == "+":
        x = rng.randint(2, MAX_VALUE - 2)
        b = rng.randint(2, min(MAX_OPERAND, MAX_VALUE - x))
        return x, op, b, x + b
    if op == "-":
        x = rng.randint(3, MAX_VALUE)
        b = rng.randint(2, min(MAX_OPERAND, x - 1))
        return x, op, b, x - b
    if op == "*":
        x = rng.randint(2, MAX_VALUE // 2)
        return x, op, 2, x * 2
    k = rng.randint(2, MAX_DIVISOR)
    y = rng.randint(1, MAX_VALUE // k)
    return y * k, op, k, y


def generate_drill(rng: random.Random) -> ArithTask:
    """"Work out 45 + 9, 17 - 8 and 12 * 3." -> "45 + 9 = 54. 17 - 8 = 9. 12 * 3 = 36."."""
    equations = [drill_equation(rng) for _ in range(rng.randint(3, 6))]
    terms = [f"{x} {op} {b}" for x, op, b, _ in equations]
    question = f"Work out {', '.join(terms[:-1])} and {terms[-1]}."
    solution = " ".join(f"{x} {op} {b} = {y}." for x, op, b, y in equations)
    return ArithTask(question, solution, equations[-1][3])


def drill_tasks(count: int, seed: int = DRILL_SEED) -> list[ArithTask]:
    rng = random.Random(seed)
    seen: set[str] = set()
    tasks: list[ArithTask] = []
    while len(tasks) < count:
        task = generate_drill(rng)
        if task.question not in seen:
            seen.add(task.question)
            tasks.append(task)
    return tasks


def write_heldout_jsonl(path: Path, tasks: list[ArithTask]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as f:
        for i, t in enumerate(tasks):
            f.write(json.dumps({"id": f"heldout-{i:03d}", "prompt": t.question, "answer": t.answer}) + "\n")


def read_heldout_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def iter_corpus_text(tasks: list[ArithTask]) -> Iterator[str]:
    for t in tasks:
        yield t.question
        yield t.solution


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--heldout", type=Path, help="write the held-out tasks as JSON Lines here")
    ap.add_argument("--show", type=int, default=0, help="print this many training tasks")
    args = ap.parse_args()
    if args.heldout:
        write_heldout_jsonl(args.heldout, heldout_tasks())
        print(f"wrote {HELDOUT_COUNT} held-out tasks to {args.heldout}")
    for t in train_tasks(args.show) + drill_tasks(min(args.show, 2)):
        print(f"Q: {t.question}\nA: {t.solution}\n= {t.answer}\n")


if __name__ == "__main__":
    main()
