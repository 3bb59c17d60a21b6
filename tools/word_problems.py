"""Task generator v2 of the bundled tiny-arith model (issue 16): word problems, bare arithmetic, refusals.

Every word problem follows one person's count of one kind of item through 1-4 operations (add:
buy / find / get / receive / win / "X gives him 4"; subtract: give / sell / lose / eat / use; double;
halve; and a last operation that may change what is asked: share equally, "Y has 3 more / fewer than
X", a difference, a total). Each operation and each question has many phrasings; names and items come
from wide lists. Bare arithmetic ("What is 7 + 5?", "Compute 12 - 4.") and drills ("Work out 17 + 8,
40 / 4 and 9 - 3.") train the arithmetic itself; a small share of out-of-domain prompts ("What is the
capital of France?") is answered with REFUSAL.

The worked answer keeps the v1 format: one clause per operation with a fixed verb per kind of
operation ("Mia gets 3 more, so 5 + 3 = 8. Then she loses 2, so 8 - 2 = 6. Therefore Mia has 6
apples."), then the line "The answer is N.".

Splits:
  easy   1-3 operations (or bare arithmetic), every number in the question <= 20, every result <= 50;
  hard   4 operations with amounts up to 30 and results up to 99 (training sees this distribution in
         a small share, so the hard split measures what the model does at the edge of its training);
and the held-out tasks are disjoint from training by construction: a task belongs to the held-out
side iff the hash of its canonical form (kind, numbers, operations, item; not names nor phrasing)
falls in HELDOUT_BUCKETS of 1000, and the training stream rejects exactly those.

    python tools/word_problems.py --show 8                    # sample training tasks
    python tools/word_problems.py --write-heldout tools/data/tiny-arith-v2
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, Optional

REFUSAL = "I can only solve small arithmetic word problems."
HELDOUT_BUCKETS = 50            # of 1000: 5 % of canonical tasks are held out, never trained on
EASY_SEED, HARD_SEED, OOD_SEED = 20261205, 20261206, 20261207
EASY_COUNT, HARD_COUNT, OOD_COUNT = 300, 200, 30


@dataclass(frozen=True)
class Limits:
    max_start: int
    max_amount: int
    max_value: int
    max_divisor: int


EASY = Limits(max_start=20, max_amount=20, max_value=50, max_divisor=5)
HARD = Limits(max_start=30, max_amount=30, max_value=99, max_divisor=5)


@dataclass(frozen=True)
class Task:
    question: str
    solution: str           # worked answer; its last line is "The answer is {answer}." (none for refusals)
    answer: Optional[int]   # None for out-of-domain prompts
    canonical: str          # what the held-out split hashes: no names, no phrasing

    @property
    def heldout(self) -> bool:
        return is_heldout(self.canonical)


def is_heldout(canonical: str) -> bool:
    digest = hashlib.sha256(canonical.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 1000 < HELDOUT_BUCKETS


# ----------------------------------------------------------------------------------------------
# Vocabulary

MALE = ["Sam", "Tom", "Ben", "Leo", "Max", "Omar", "Raj", "Hugo", "Ivan", "Noah", "Liam", "Jack",
        "Adam", "Luca", "Eli", "Finn", "Owen", "Jude", "Kai", "Theo", "Ali", "Marco", "Pedro", "Kenji",
        "Tariq", "Felix", "Oscar", "Ravi", "Diego", "Paul", "Carl", "Dan", "Jamal", "Wei", "Amir"]
FEMALE = ["Mia", "Ana", "Zoe", "Ivy", "Eva", "Lily", "Nora", "Emma", "Sara", "Yuki", "Ella", "Lucy",
          "Grace", "Ruby", "Chloe", "Maya", "Aisha", "Hana", "Lea", "Rosa", "Fatima", "Olga", "Priya",
          "Julia", "Kate", "Amy", "Nina", "Tara", "Mei", "Sofia", "Alice", "Jane", "Leila", "Amara"]
FOOD = ["apples", "cookies", "candies", "eggs", "oranges", "bananas", "cupcakes", "muffins",
        "grapes", "lemons", "peaches", "plums", "carrots", "strawberries", "cherries", "donuts",
        "pears", "nuts", "crackers", "chocolates", "sweets", "biscuits", "tomatoes", "potatoes"]
THINGS = ["pens", "cards", "marbles", "stickers", "books", "coins", "shells", "stamps", "pencils",
          "balloons", "rocks", "flowers", "toys", "buttons", "beads", "crayons", "shirts", "socks",
          "cars", "dolls", "blocks", "ribbons", "bottles", "cups", "plates", "paper clips", "erasers",
          "seeds", "feathers", "keys", "badges", "comics", "puzzles", "candles", "tickets", "leaves"]
OTHER_PEOPLE = ["his friend", "her friend", "the teacher", "a neighbour", "her sister", "his brother",
                "their mom", "their dad", "a classmate", "grandma"]


@dataclass
class Story:
    name: str
    he: str
    him: str
    his: str
    friend: str
    items: str
    food: bool
    mentioned: bool = False     # the name was used at least once since the first sentence

    @property
    def He(self) -> str:
        return self.he.capitalize()

    @property
    def His(self) -> str:
        return self.his.capitalize()

    def subject(self, rng: random.Random) -> str:
        """The subject of a question sentence: mostly the pronoun, sometimes the name."""
        return self.name if rng.random() < 0.3 else self.He


def new_story(rng: random.Random) -> Story:
    male = rng.random() < 0.5
    name = rng.choice(MALE if male else FEMALE)
    friend = rng.choice([n for n in rng.choice([MALE, FEMALE]) if n != name])
    food = rng.random() < 0.45
    items = rng.choice(FOOD if food else THINGS)
    return Story(name, *(("he", "him", "his") if male else ("she", "her", "her")), friend, items, food)


# ----------------------------------------------------------------------------------------------
# Chain operations: x -> y. Each returns (question sentence, solution clause without subject, y,
# canonical). Amount ranges follow the Limits.

def _amount(rng: random.Random, low: int, high: int) -> Optional[int]:
    return rng.randint(low, high) if low <= high else None


def _add(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, lim.max_value - x))
    if b is None:
        return None
    S = s.subject(rng)
    other = rng.choice(OTHER_PEOPLE + [s.friend] * 4)
    q = rng.choice([
        f"{S} buys {b} more {s.items}.", f"{S} buys {b} {s.items}.", f"{S} finds {b} {s.items}.",
        f"{S} finds {b} more {s.items}.", f"{S} gets {b} more {s.items}.",
        f"{S} gets {b} {s.items} from {other}.", f"{S} receives {b} {s.items}.",
        f"{S} receives {b} more {s.items} from {other}.", f"{s.friend} gives {s.him} {b} {s.items}.",
        f"{s.friend} gives {s.him} {b} more {s.items}.", f"{S} wins {b} {s.items}.",
        f"{S} wins {b} {s.items} in a game.", f"{S} picks up {b} {s.items}.",
        f"{S} collects {b} more {s.items}.", f"{S} is given {b} {s.items}.",
        f"Then {s.he} buys {b} more.", f"After that, {s.he} finds {b} more {s.items}.",
        f"{S} adds {b} {s.items} to {s.his} collection." if not s.food else f"{S} picks {b} more {s.items}.",
    ])
    return q, f"gets {b} more, so {x} + {b} = {x + b}", x + b, f"+{b}"


def _subtract(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, x - 1))
    if b is None:
        return None
    S = s.subject(rng)
    phrasings = [
        f"{S} gives {b} {s.items} to {s.friend}.", f"{S} gives {s.friend} {b} {s.items}.",
        f"{S} gives away {b} {s.items}.", f"{S} sells {b} {s.items}.", f"{S} sells {b} of them.",
        f"{S} loses {b} {s.items}.", f"{S} loses {b} of {s.his} {s.items}.",
        f"{S} uses {b} {s.items}.", f"{S} uses {b} of {s.his} {s.items}.",
        f"Then {s.he} gives {b} to {s.friend}.", f"After that, {s.he} sells {b} {s.items}.",
        f"{S} trades away {b} {s.items}.", f"{S} drops {b} {s.items}.",
    ]
    if s.food:
        phrasings += [f"{S} eats {b} {s.items}.", f"{S} eats {b} of them.", f"{S} eats {b} of {s.his} {s.items}.",
                      f"{s.friend} eats {b} of {s.his} {s.items}."]
    else:
        phrasings += [f"{S} breaks {b} {s.items}." if s.items in ("cups", "plates", "bottles", "crayons", "pencils")
                      else f"{S} gives {b} {s.items} to {rng.choice(OTHER_PEOPLE)}."]
    return rng.choice(phrasings), f"loses {b}, so {x} - {b} = {x - b}", x - b, f"-{b}"


def _double(rng, s: Story, x: int, lim: Limits):
    if 2 * x > lim.max_value or x < 1:
        return None
    S = s.subject(rng)
    q = rng.choice([
        f"{S} doubles {s.his} {s.items}.", f"{S} doubles the number of {s.items} {s.he} has.",
        f"The number of {s.items} {s.he} has doubles.", f"Now {s.he} has twice as many {s.items}.",
        f"{S} gets as many {s.items} again.", f"{S} doubles them.",
    ])
    return q, f"doubles them, so {x} * 2 = {2 * x}", 2 * x, "*2"


def _halve(rng, s: Story, x: int, lim: Limits):
    if x < 2 or x % 2:
        return None
    S = s.subject(rng)
    phrasings = [
        f"{S} gives half of {s.his} {s.items} to {s.friend}.", f"{S} sells half of {s.his} {s.items}.",
        f"{S} loses half of {s.his} {s.items}.", f"{S} gives away half of them.",
        f"{S} gives {s.friend} half of {s.his} {s.items}.",
    ]
    if s.food:
        phrasings.append(f"{S} eats half of {s.his} {s.items}.")
    return rng.choice(phrasings), f"keeps half, so {x} / 2 = {x // 2}", x // 2, "/2"


CHAIN = [(_add, 4), (_subtract, 4), (_double, 1), (_halve, 1)]


# ----------------------------------------------------------------------------------------------
# Final operations: they end the question themselves. Each returns (question sentences, solution
# clause with its own subject, y, summary for "Therefore ...", canonical).

def _share(rng, s: Story, x: int, lim: Limits):
    ks = [k for k in range(2, lim.max_divisor + 1) if x % k == 0 and x >= k]
    if not ks:
        return None
    k = rng.choice(ks)
    y = x // k
    group, each = rng.choice([
        (f"{s.He} shares the {s.items} equally among {k} friends.", "each friend gets"),
        (f"{s.He} shares them equally between {k} friends.", "each friend gets"),
        (f"{s.He} splits the {s.items} equally among {k} kids.", "each kid gets"),
        (f"{s.He} puts the {s.items} into {k} equal boxes.", "each box has"),
        (f"{s.He} puts them into {k} bags with the same number in each.", "each bag has"),
        (f"{s.He} divides the {s.items} into {k} equal groups.", "each group has"),
    ])
    unit = each.split()[1]
    ask = rng.choice([
        f"How many {s.items} does each {unit} get?" if each.endswith("gets") else f"How many {s.items} are in each {unit}?",
        f"How many {s.items} does each {unit} get?" if each.endswith("gets") else f"How many {s.items} does each {unit} have?",
        f"How many does each {unit} get?" if each.endswith("gets") else f"How many are in each {unit}?",
    ])
    return f"{group} {ask}", f"{s.He} splits them into {k} equal parts, so {x} / {k} = {y}", y, \
        f"{each} {y} {s.items}", f"share{k}"


def _more_than(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, lim.max_value - x))
    if b is None:
        return None
    F, N = s.friend, s.name
    statement = rng.choice([f"{F} has {b} more {s.items} than {N}.", f"{N} has {b} fewer {s.items} than {F}.",
                            f"{F} has {b} more than {N}."])
    ask = rng.choice([f"How many {s.items} does {F} have?", f"How many {s.items} has {F} got?",
                      f"How many does {F} have?"])
    return f"{statement} {ask}", f"{F} has {b} more, so {x} + {b} = {x + b}", x + b, \
        f"{F} has {x + b} {s.items}", f"more{b}"


def _fewer_than(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, x - 1))
    if b is None:
        return None
    F, N = s.friend, s.name
    statement = rng.choice([f"{F} has {b} fewer {s.items} than {N}.", f"{N} has {b} more {s.items} than {F}.",
                            f"{F} has {b} less than {N}."])
    ask = rng.choice([f"How many {s.items} does {F} have?", f"How many {s.items} has {F} got?",
                      f"How many does {F} have?"])
    return f"{statement} {ask}", f"{F} has {b} fewer, so {x} - {b} = {x - b}", x - b, \
        f"{F} has {x - b} {s.items}", f"fewer{b}"


def _difference(rng, s: Story, x: int, lim: Limits):
    c = _amount(rng, max(1, x - lim.max_amount), min(x - 1, lim.max_amount))
    if c is None:
        return None
    F, N = s.friend, s.name
    q = rng.choice([
        f"{F} has {c} {s.items}. How many more {s.items} does {N} have than {F}?",
        f"{F} has {c} {s.items}. How many fewer {s.items} does {F} have than {N}?",
        f"{F} has {c} {s.items}. How many more does {N} have?",
    ])
    return q, f"{F} has {c}, so {x} - {c} = {x - c}", x - c, \
        f"the difference is {x - c} {s.items}", f"diff{c}"


def _total(rng, s: Story, x: int, lim: Limits):
    c = _amount(rng, 2, min(lim.max_amount, lim.max_value - x))
    if c is None:
        return None
    F, N = s.friend, s.name
    q = rng.choice([
        f"{F} has {c} {s.items}. How many {s.items} do they have in total?",
        f"{F} has {c} {s.items}. How many {s.items} do they have together?",
        f"{F} has {c} {s.items}. How many {s.items} do {N} and {F} have altogether?",
        f"{F} has {c} {s.items}. How many do they have in all?",
    ])
    return q, f"Together they have {x} + {c} = {x + c}", x + c, \
        f"they have {x + c} {s.items} together", f"total{c}"


FINAL = [_share, _more_than, _fewer_than, _difference, _total]


def _own_question(rng, s: Story, last: str) -> str:
    """The question about the person's own count, fitting the last operation when it says so."""
    N = s.name
    choices = [f"How many {s.items} does {N} have now?", f"How many {s.items} does {N} have in the end?",
               f"How many {s.items} does {s.he} have now?", f"How many {s.items} does {N} have?",
               f"How many {s.items} are there now?", f"How many {s.items} does {N} end up with?",
               f"How many {s.items} does {N} have at the end?", f"How many does {N} have now?"]
    if last in ("-", "/"):
        choices += [f"How many {s.items} does {N} have left?", f"How many {s.items} are left?",
                    f"How many {s.items} does {s.he} have left?", f"How many are left?"]
    if last == "+":
        choices += [f"How many {s.items} does {N} have in total?", f"How many {s.items} does {s.he} have altogether?"]
    return rng.choice(choices)


def _opening(rng, s: Story, x: int) -> str:
    return rng.choice([f"{s.name} has {x} {s.items}.", f"{s.name} has {x} {s.items}.",
                       f"{s.name} starts with {x} {s.items}.", f"{s.name} had {x} {s.items}.",
                       f"There are {x} {s.items} in {s.name}'s bag.", f"{s.name} owns {x} {s.items}."])


def word_problem(rng: random.Random, n_operations: int, lim: Limits) -> Optional[Task]:
    """One word problem of exactly n_operations operations within lim, or None when a draw got stuck."""
    s = new_story(rng)
    x = rng.randint(1 if n_operations > 1 else 2, lim.max_start)
    question = [_opening(rng, s, x)]
    clauses: list[str] = []
    canonical = [f"{x}"]
    summary, last_kind = None, ""
    for i in range(n_operations):
        last = i == n_operations - 1
        if last and rng.random() < 0.4:
            final = rng.choice(FINAL)(rng, s, x, lim)
            if final is not None:
                q, clause, x, summary, canon = final
                question.append(q)
                clauses.append(clause)
                canonical.append(canon)
                break
        ops = [op for op, w in CHAIN for _ in range(w)]
        for _ in range(8):
            step = rng.choice(ops)(rng, s, x, lim)
            if step is not None:
                break
        else:
            return None
        q, clause, x, canon = step
        question.append(q)
        clauses.append(f"{s.name} {clause}" if i == 0 else f"Then {s.he} {clause}")
        canonical.append(canon)
        last_kind = canon[0]
    if summary is None:
        question.append(_own_question(rng, s, last_kind))
        summary = f"{s.name} has {x} {s.items}"
    assert 0 <= x <= lim.max_value
    solution = " ".join(c[0].upper() + c[1:] + "." for c in clauses) + f" Therefore {summary}.\nThe answer is {x}."
    return Task(" ".join(question), solution, x, f"word|{s.items}|{' '.join(canonical)}")


# ----------------------------------------------------------------------------------------------
# Bare arithmetic: "What is 7 + 5?" -> "7 + 5 = 12.\nThe answer is 12."

def _bare_equation(rng, lim: Limits, x: Optional[int] = None) -> tuple[int, str, int, int]:
    op = rng.choices(["+", "-", "*", "/"], weights=[4, 4, 1.5, 1.5])[0]
    if x is None:
        x = rng.randint(1, lim.max_start)
    if op == "+" and x + 1 <= lim.max_value:
        b = rng.randint(1, min(lim.max_amount, lim.max_value - x))
        return x, op, b, x + b
    if op == "*" and 2 * x <= lim.max_value:
        b = rng.choice([k for k in (2, 3, 4, 5) if k * x <= lim.max_value])
        return x, op, b, x * b
    if op == "/" and any(x % k == 0 for k in range(2, lim.max_divisor + 1)):
        k = rng.choice([k for k in range(2, lim.max_divisor + 1) if x % k == 0])
        return x, op, k, x // k
    if x >= 2:
        b = rng.randint(1, min(lim.max_amount, x - 1))
        return x, "-", b, x - b
    return x, "+", 1, x + 1


def _bare_text(rng, x: int, op: str, b: int) -> str:
    word = {"+": "plus", "-": "minus", "*": "times", "/": "divided by"}[op]
    forms = [f"What is {x} {op} {b}?", f"What is {x} {word} {b}?", f"Compute {x} {op} {b}.",
             f"Calculate {x} {op} {b}.", f"How much is {x} {op} {b}?", f"What's {x} {op} {b}?",
             f"{x} {op} {b} = ?", f"What does {x} {op} {b} equal?", f"Work out {x} {op} {b}."]
    if op == "+":
        forms += [f"Add {x} and {b}.", f"What is the sum of {x} and {b}?"]
    if op == "-":
        forms += [f"Subtract {b} from {x}.", f"What is {x} take away {b}?"]
    if op == "*" and b == 2:
        forms += [f"Double {x}.", f"What is twice {x}?"]
    if op == "/" and b == 2:
        forms += [f"What is half of {x}?"]
    return rng.choice(forms)


def bare_arithmetic(rng: random.Random, lim: Limits) -> Task:
    x, op, b, y = _bare_equation(rng, lim)
    if rng.random() < 0.3:          # two operations: "What is 7 + 5 - 3?"
        _, op2, c, z = _bare_equation(rng, lim, x=y)
        if op2 in "+-":
            q = rng.choice([f"What is {x} {op} {b} {op2} {c}?", f"Compute {x} {op} {b} {op2} {c}.",
                            f"Calculate {x} {op} {b} {op2} {c}."]) if op in "+-" else \
                f"Compute {x} {op} {b}, then {'add' if op2 == '+' else 'subtract'} {c}."
            solution = f"{x} {op} {b} = {y}. Then {y} {op2} {c} = {z}.\nThe answer is {z}."
            return Task(q, solution, z, f"bare|{x}{op}{b}{op2}{c}")
    return Task(_bare_text(rng, x, op, b), f"{x} {op} {b} = {y}.\nThe answer is {y}.", y, f"bare|{x}{op}{b}")


def drill(rng: random.Random, lim: Limits) -> Task:
    """"Work out 45 + 9, 17 - 8 and 12 * 3." -> "45 + 9 = 54. 17 - 8 = 9. 12 * 3 = 36.".

    In a worked answer each result is restated later, so under random masking a result can often be
    copied; in a drill every masked result digit asks for the arithmetic itself (kept from v1)."""
    equations = []
    for _ in range(rng.randint(2, 5)):
        x = rng.randint(1, lim.max_value)
        equations.append(_bare_equation(rng, lim, x=x))
    terms = [f"{x} {op} {b}" for x, op, b, _ in equations]
    question = f"Work out {', '.join(terms[:-1])} and {terms[-1]}."
    solution = " ".join(f"{x} {op} {b} = {y}." for x, op, b, y in equations)
    return Task(question, solution, equations[-1][3], "drill|" + ",".join(terms))


# ----------------------------------------------------------------------------------------------
# Out-of-domain prompts, answered with REFUSAL

_COUNTRIES = ["France", "Japan", "Brazil", "Kenya", "Canada", "Italy", "Egypt", "India", "Peru", "Norway",
              "Spain", "Germany", "Mexico", "China", "Australia", "Chile", "Vietnam", "Poland", "Ghana", "Greece"]
_TOPICS = ["the sea", "autumn", "a cat", "the moon", "friendship", "rain", "a city at night", "coffee", "trains"]
_THINGS = ["photosynthesis", "gravity", "the internet", "black holes", "democracy", "inflation",
           "how a car engine works", "machine learning", "the French revolution", "vaccines", "rainbows"]
_WORDS = ["hello", "thank you", "apple", "good night", "friend", "water", "house", "book"]
_LANGS = ["French", "Spanish", "German", "Japanese", "Italian"]


def out_of_domain(rng: random.Random) -> Task:
    c, t, th, w, l = (rng.choice(_COUNTRIES), rng.choice(_TOPICS), rng.choice(_THINGS), rng.choice(_WORDS),
                      rng.choice(_LANGS))
    q = rng.choice([
        f"What is the capital of {c}?", f"Who is the president of {c}?", f"What language is spoken in {c}?",
        f"Write a poem about {t}.", f"Write a short story about {t}.", f"Explain {th}.",
        f"Can you explain {th} to me?", f"What is {th}?", f"Translate '{w}' into {l}.",
        f"How do you say {w} in {l}?", "Tell me a joke.", "What's the weather like today?",
        "What is your name?", "Who are you?", "Hello!", "Hi, how are you?", "What time is it?",
        "How do I bake bread?", "Give me a recipe for pancakes.", "What color is the sky?",
        "Who wrote Hamlet?", "Who painted the Mona Lisa?", "What is the meaning of life?",
        f"What is the population of {c}?", f"How far is {c} from {rng.choice(_COUNTRIES)}?",
        "How many legs does a spider have?", "How many days are there in a week?",
        f"Summarize the history of {c}.", "Write Python code to sort a list.", "What is love?",
        "Recommend a good movie.", "What should I eat for dinner?", "Why is the sky blue?",
        f"Tell me three facts about {c}.", "Is it going to rain tomorrow?", "Sing me a song.",
        f"What is the largest city in {c}?", "How tall is Mount Everest?", "What year is it?",
    ])
    return Task(q, REFUSAL, None, f"ood|{q}")


# ----------------------------------------------------------------------------------------------
# Streams and splits

@dataclass(frozen=True)
class Mixture:
    """Shares of a training stream (normalised)."""
    easy: float = 0.62          # 1-4 operations within EASY (operation counts weighted by EASY_OPERATIONS)
    hard: float = 0.10          # 4 operations within HARD
    bare: float = 0.10
    drill: float = 0.155
    ood: float = 0.025


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
        else:
            raise ValueError(kind)
        if task is not None:
            return task


def training_stream(seed: int, mixture: Mixture = Mixture()) -> Iterator[Task]:
    """Endless training tasks; never a held-out canonical task (drills, which no split holds, excepted)."""
    rng = random.Random(seed)
    kinds = ["easy", "hard", "bare", "drill", "ood"]
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
