"""Short tasks of the bundled tiny-arith model: bare arithmetic, drills and out-of-domain refusals.

Bare arithmetic ("What is 7 + 5?", "Divide 20 by 5."), drills ("Work out 17 + 8, 40 / 4 and 9 - 3.")
and story drills (a few short stories worked side by side) train the arithmetic itself; a small share
of out-of-domain prompts ("What is the capital of France?") is answered with REFUSAL (no "The answer
is" line).
"""

from __future__ import annotations

import random
from typing import Optional

from word_problems import Limits, Task, casual, word_problem

REFUSAL = "I can only solve small arithmetic word problems."


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
    forms += [f"What's {x} {word} {b}?", f"How much is {x} {word} {b}?", f"Compute: {x} {op} {b}",
              f"{x} {word} {b}?", f"What is {x} {op} {b} equal to?"]
    if op == "+":
        forms += [f"Add {x} and {b}.", f"What is the sum of {x} and {b}?", f"What do you get if you add {x} and {b}?",
                  f"Add {b} to {x}."]
    if op == "-":
        forms += [f"Subtract {b} from {x}.", f"What is {x} take away {b}?",
                  f"If you take {b} away from {x}, what do you get?", f"Take {b} from {x}."]
    if op == "*":
        forms += [f"Multiply {x} by {b}.", f"What is {b} times {x}?"]
    if op == "/":
        forms += [f"Divide {x} by {b}.", f"What is {x} shared by {b}?"]
    if op == "*" and b == 2:
        forms += [f"Double {x}.", f"What is twice {x}?"]
    if op == "/" and b == 2:
        forms += [f"What is half of {x}?"]
    return casual(rng, rng.choice(forms), 0.1)


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


STORY_DRILL_ASKS = ["Work out each story.", "Work out each one.", "Show the working for each.",
                    "Do the sums in each story.", "Work through these."]


QUESTION_MADE = ("diff", "total")     # final steps whose operation only the dropped question names


def story_drill(rng: random.Random, lim: Limits) -> Optional[Task]:
    """Two or three short stories worked side by side, without their questions:
    "Ann has 6 pens. She buys 16 more. Bob has 30 cups. He breaks 5. Work out each story." ->
    "Ann has 6 pens. She buys 16 more, so 6 + 16 = 22. Bob has 30 cups. He breaks 5, so 30 - 5 = 25.
    The answer is 25."

    A word problem restates each result (the next step's operand, its answer line), so under random
    masking its result digits can often be copied, and the model learns to copy them there; AR order
    must compute them with the rest masked. Here only the last story's result is restated: the drill's
    arithmetic in a worked answer's words. The answer line is kept because without it (session 15's
    first version) AR order learnt to go on with a made-up story after a word problem's last step.
    None when a draw got stuck or a story is a held-out task."""
    stories, worked, canonical = [], [], []
    for _ in range(rng.randint(2, 3)):
        task = word_problem(rng, rng.choice((1, 1, 2)), lim)
        if task is None or task.heldout or any(step.startswith(QUESTION_MADE) for step in task.canonical.split()):
            return None
        story, _, _ = task.question.rpartition(". ")
        if not story or story.lower().startswith("if "):
            return None
        stories.append(story[0].upper() + story[1:] + ".")   # casual() lower-cases only a prompt's start
        worked.append(task.solution.partition("\nThe answer is")[0])
        canonical.append(task.canonical)
    question = " ".join(stories + [rng.choice(STORY_DRILL_ASKS)])
    return Task(question, " ".join(worked) + f"\nThe answer is {task.answer}.", task.answer,
                "drill|story|" + "|".join(canonical))


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
