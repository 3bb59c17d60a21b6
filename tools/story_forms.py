"""Word problems in shapes the chain generator of word_problems.py does not make (training only).

word_problems.word_problem follows one count through a chain of operations, one per sentence. People
also write two amounts side by side ("Tara has 7 pencils at home and 6 at school.", "Emma has 12 and
Kate has 9 buttons."), two operations in one clause ("She gives 4 cookies to each of her 3
cousins.", "He trades 4 cards for 6 new ones.", "After buying 7 more and losing 2, how many ...?"),
a count that is nobody's ("There are 12 ducks in the pond. 5 swim away and 3 more join them."), runs ("picks
5 and then 6 more"), "keeps 4 and gives the rest away", a comparison told before the count it refers
to ("Noah has 3 more books than Emma. Emma has 8 books.") or followed by a total; and bare arithmetic in more
words ("What is 9 more than 7?", "How many 5s are in 20?"). The worked answers keep the v3 format:
each story sentence restated, followed by its arithmetic, then "The answer is N.".

These tasks are their own kind of the training stream (task_stream.Mixture.forms), so the held-out
files, drawn from the other kinds, do not change. A task is dropped when any chain task with the same
arithmetic and item is held out (`_clear`), so no held-out task is trained on in these shapes either.
The hand-written file's own sentences are left unproduced on purpose (TRAINING.md).
"""

from __future__ import annotations

import random
from typing import Optional

from word_problems import EASY, PAST, PLAIN, Story, Task, agree, casual, equations, in_past, is_heldout, new_story

Steps = list[tuple[int, str, int, int]]
Sentence = tuple[str, Steps]


def _clear(items: str, *canonicals: str) -> bool:
    """True when none of the equivalent canonical forms is held out."""
    return not any(is_heldout(f"word|{items}|{c}") for c in canonicals)


def _amounts(rng: random.Random, count: int, total: int = EASY.max_value) -> list[int]:
    while True:
        values = [rng.randint(2, EASY.max_amount) for _ in range(count)]
        if sum(values) <= total:
            return values


def _two_places(rng, s: Story):
    """One person's two amounts, added: "Tara has 7 pencils at home and 6 pencils at school."."""
    a, b = _amounts(rng, 2)
    if rng.random() < 0.5:
        here, there = rng.choice([(f"in {s.his} backpack", "on the shelf"), ("at home", "at school"),
                                  ("in the kitchen", "in the garden"), (f"in {s.his} room", "in the car"),
                                  ("in one box", "in another box"), (f"in {s.his} left pocket", "in the right one")])
        text = rng.choice([f"{s.name} has {a} {s.items} {here} and {b} {s.items} {there}.",
                           f"{s.name} has {a} {s.items} {here} and {b} more {there}."])
        ask = rng.choice([f"How many {s.items} does {s.name} have?", f"How many {s.items} does {s.he} have in total?",
                          f"How many {s.items} does {s.name} have altogether?", f"How many {s.items} are there in all?"])
        return [(text, [(a, "+", b, a + b)])], ask, [f"{a} +{b}", f"{b} +{a}", f"{a} total{b}"]
    verb = rng.choice(["buys", "finds", "collects", "gets", "picks" if s.food else "wins"])
    first, then = rng.choice([("on Monday", "on Thursday"), ("on Saturday", "on Sunday"),
                              ("in the morning", "in the afternoon"), ("in May", "in June"), ("today", "yesterday")])
    text = rng.choice([f"{s.name} {verb} {a} {s.items} {first} and {b} {s.items} {then}.",
                       f"{s.name} {verb} {a} {s.items} {first} and {b} more {then}."])
    past = rng.random() < 0.5
    did = "did" if past else "does"
    ask = rng.choice([f"How many {s.items} {did} {s.he} {PLAIN[verb]} in total?",
                      f"How many {s.items} {did} {s.name} {PLAIN[verb]} altogether?",
                      f"How many {s.items} {did} {s.he} {PLAIN[verb]}?"])
    return [(in_past(text) if past else text, [(a, "+", b, a + b)])], ask, [f"{a} +{b}", f"{b} +{a}"]


def _two_people(rng, s: Story):
    """Two people's amounts, added or compared: "Emma has 12 and Kate has 9 buttons."."""
    if s.person != 3:
        return None
    a, b = _amounts(rng, 2)
    N, F = s.name, s.friend
    told = rng.choice([
        [(f"{N} has {a} and {F} has {b} {s.items}.", True)],
        [(f"{N} has {a} {s.items}, and {F} has {b} {s.items}.", True)],
        [(f"{N} has {a} {s.items} while {F} has {b}.", True)],
        [(f"{N} has {a} {s.items}.", False), (f"{F} has {b} {s.items}.", True)],
        [(f"{F} has {b} {s.items}.", False), (f"{N} has {a} {s.items}.", True)],
    ])
    if a == b or rng.random() < 0.5:
        step = (a, "+", b, a + b)
        ask = rng.choice([f"How many {s.items} do they have together?", f"How many {s.items} do they have in total?",
                          f"How many {s.items} do {N} and {F} have altogether?", f"How many {s.items} are there in all?",
                          f"How many {s.items} do the two of them have?"])
        canonicals = [f"{a} total{b}", f"{b} total{a}", f"{a} +{b}"]
    else:
        (big, more), (small, fewer) = sorted([(a, N), (b, F)], reverse=True)
        step = (big, "-", small, big - small)
        ask = rng.choice([f"How many more {s.items} does {more} have than {fewer}?",
                          f"How many fewer {s.items} does {fewer} have?", f"How many more does {more} have?",
                          f"What is the difference between their numbers of {s.items}?"])
        canonicals = [f"{big} diff{small}", f"{big} -{small}"]
    sentences = [(text, [step] if last else []) for text, last in told]
    return sentences, ask, canonicals


def _run(rng, s: Story):
    """Two or three amounts in one sentence: "Marco picks 5 plums and then 6 more and then 7 more."."""
    values = _amounts(rng, rng.choice([2, 3]))
    verb = rng.choice(["buys", "finds", "collects", "gets", "picks" if s.food else "wins"])
    text = f"{s.name} {verb} {values[0]} {s.items}" + "".join(f" and then {v} more" for v in values[1:]) + "."
    steps, total = [], values[0]
    for v in values[1:]:
        steps.append((total, "+", v, total + v))
        total += v
    past = rng.random() < 0.4
    done = PAST[verb]
    has = "has" if s.person == 3 else "have"
    ask = rng.choice([f"How many {s.items} {has} {s.he} {done}?", f"How many {s.items} does {s.name} have now?",
                      f"How many {s.items} did {s.he} {PLAIN[verb]} in total?" if past else
                      f"How many {s.items} does {s.he} have in total?"])
    canonical = " ".join([str(values[0])] + [f"+{v}" for v in values[1:]])
    return [(in_past(text) if past else text, steps)], ask, [canonical]


def _two_givers(rng, s: Story, x: int):
    """ "Her mom gives her 10 pens, and her dad gives her 3." or "She gives 3 to Tom and 2 to Ana."."""
    if rng.random() < 0.5:
        b, c = _amounts(rng, 2, EASY.max_value - x)
        one, two = rng.sample(["mom", "dad", "aunt", "uncle", "grandma", "grandpa", "sister", "brother"], 2)
        verb = rng.choice(["gives", "buys"])
        text = f"{s.His} {one} {verb} {s.him} {b} {s.items}, and {s.his} {two} {verb} {s.him} {c}."
        return text, [(x, "+", b, x + b), (x + b, "+", c, x + b + c)], f"+{b} +{c}"
    if x < 5:
        return None
    b = rng.randint(2, x - 3)
    c = rng.randint(2, x - b - 1)
    other = rng.choice([n for n in ("Tom", "Ana", "Leo", "Mia", "Sam", "Zoe") if n not in (s.name, s.friend)])
    text = f"{s.He} gives {b} to {s.friend} and {c} to {other}."
    return text, [(x, "-", b, x - b), (x - b, "-", c, x - b - c)], f"-{b} -{c}"


def _each_of(rng, s: Story, x: int):
    """ "She gives 4 cookies to each of her 3 cousins." -- a product taken away (or added)."""
    k = rng.randint(2, 4)
    m = rng.randint(2, 6)
    if rng.random() < 0.5 and k * m < x:
        text = f"{s.He} gives {m} {s.items} to each of {s.his} {k} {rng.choice(['cousins', 'classmates', 'neighbours'])}."
        return text, [(m, "*", k, m * k), (x, "-", m * k, x - m * k)], f"-{m}x{k}"
    if x + k * m > EASY.max_value:
        return None
    text = f"Each of {s.his} {k} friends gives {s.him} {m} {s.items}."
    return text, [(m, "*", k, m * k), (x, "+", m * k, x + m * k)], f"+{m}x{k}"


def _trade(rng, s: Story, x: int):
    """ "He trades 4 of his cards for 6 new ones." -- one clause, two operations."""
    if x < 3:
        return None
    b = rng.randint(2, x - 1)
    c = rng.randint(2, min(EASY.max_amount, EASY.max_value - x + b))
    text = rng.choice([f"{s.He} trades {b} of {s.his} {s.items} for {c} new ones.",
                       f"{s.He} swaps {b} {s.items} for {c} other {s.items}."])
    return text, [(x, "-", b, x - b), (x - b, "+", c, x - b + c)], f"-{b} +{c}"


GAINS = {"buying": "buys", "finding": "finds", "getting": "gets", "winning": "wins"}
LOSSES = {"losing": "loses", "selling": "sells", "giving away": "gives away", "using": "uses"}


def _after(rng, s: Story, x: int):
    """The operations inside the question: "After buying 7 more and losing 2, how many ...?"."""
    b = rng.randint(2, min(EASY.max_amount, EASY.max_value - x))
    c = rng.randint(2, min(EASY.max_amount, x + b - 1))
    gain, loss = rng.choice(list(GAINS)), rng.choice(list(LOSSES) + (["eating"] if s.food else []))
    said = f"{s.He} {GAINS[gain]} {b} more and {LOSSES.get(loss, 'eats')} {c}."
    return said, [(x, "+", b, x + b), (x + b, "-", c, x + b - c)], f"+{b} -{c}", f"After {gain} {b} more and {loss} {c}"


def _owned(rng, s: Story):
    """A person's count, then one sentence holding two operations (or the question holding them)."""
    x = rng.randint(2, EASY.max_start)
    opening = rng.choice([f"{s.name} has {x} {s.items}.", f"{s.name} had {x} {s.items}.",
                          f"{s.name} starts with {x} {s.items}."])
    if rng.random() < 0.2 and s.person == 3:     # "I buy 7 more and loses 2": _agree fixes one verb only
        said, steps, canon, clause = _after(rng, s, x)
        ask = f"{clause}, how many {s.items} does {s.he} have?"
        # the worked answer restates the clause as a sentence of its own
        return [(opening, []), (said, steps)], ask, [f"{x} {canon}"], True
    drawn = rng.choice([_two_givers, _each_of, _trade])(rng, s, x)
    if drawn is None:
        return None
    text, steps, canon = drawn
    y = steps[-1][3]
    left = steps[-1][1] == "-"
    ask = rng.choice([f"How many {s.items} does {s.name} have now?", f"How many {s.items} does {s.he} have?"]
                     + ([f"How many {s.items} does {s.he} have left?"] if left else []))
    assert 0 <= y <= EASY.max_value
    return [(opening, []), (text, steps)], ask, [f"{x} {canon}"], False


def _keep_rest(rng, s: Story):
    """ "He keeps 4 and gives the rest to his cousin. How many does his cousin get?"."""
    if s.person != 3:                           # two verbs: _agree fixes the first only
        return None
    x = rng.randint(4, EASY.max_start)
    k = rng.randint(1, x - 2)
    to = rng.choice([s.friend, f"{s.his} cousin", f"{s.his} neighbour", f"{s.his} friend"])
    text = rng.choice([f"{s.He} keeps {k} and gives the rest to {to}.",
                       f"{s.He} keeps {k} {s.items} for {s.him}self and gives the rest to {to}.",
                       f"{s.He} keeps {k} and gives the others to {to}."])
    ask = rng.choice([f"How many {s.items} does {to} get?", f"How many {s.items} does {s.he} give to {to}?"])
    return ([(f"{s.name} has {x} {s.items}.", []), (text, [(x, "-", k, x - k)])], ask,
            [f"{x} -{k}", f"{x} -{x - k}"])


def _compare(rng, s: Story):
    """A count given through another's, the reference told last ("Noah has 3 more books than Emma.
    Emma has 8 books.", "…, and Emma has 8.") or first and the two then added ("Amy has 6 dolls. Jane
    has 4 more than Amy. How many do they have together?")."""
    if s.person != 3:
        return None
    N, F = s.name, s.friend
    x = rng.randint(2, EASY.max_start)
    more = x < 4 or rng.random() < 0.6
    b = rng.randint(2, min(EASY.max_amount, EASY.max_value - x)) if more else rng.randint(1, x - 2)
    kind = "more" if more else "fewer"
    word = "more" if more else rng.choice(["fewer", "less"])
    step = (x, "+", b, x + b) if more else (x, "-", b, x - b)
    relation = rng.choice([f"{F} has {b} {word} {s.items} than {N}", f"{F} has {b} {word} than {N}"])
    count = rng.choice([f"{N} has {x} {s.items}", f"{N} owns {x} {s.items}"])
    if rng.random() < 0.5:
        told = rng.choice([[(f"{relation}.", []), (f"{count}.", [step])],
                           [(f"{relation}, and {N} has {x}.", [step])],
                           [(f"{count}.", []), (f"{relation}.", [step])]])
        ask = rng.choice([f"How many {s.items} does {F} have?", f"How many does {F} have?",
                          f"How many {s.items} has {F} got?"])
        return told, ask, [f"{x} {kind}{b}"]
    y = step[3]
    if x + y > EASY.max_value:
        return None
    steps = [step, (x, "+", y, x + y)]
    told = rng.choice([[(f"{count}.", []), (f"{relation}.", steps)], [(f"{relation}.", []), (f"{count}.", steps)]])
    ask = rng.choice([f"How many {s.items} do they have together?", f"How many {s.items} do they have in total?",
                      f"How many {s.items} do {N} and {F} have altogether?", f"How many {s.items} do the two of them have?"])
    return told, ask, [f"{x} {kind}{b} total"]


SCENES = [  # (items, place, leave, arrive)
    ("birds", "in a tree", "fly away", "come back"), ("people", "on a bus", "get off", "get on"),
    ("ducks", "in the pond", "swim away", "join them"), ("cars", "in the parking lot", "drive away", "arrive"),
    ("children", "in the park", "go home", "come to play"), ("fish", "in the tank", "are taken out", "are put in"),
    ("students", "in the classroom", "leave", "come in"), ("boats", "at the dock", "sail away", "come back"),
]


def _scene(rng, s: Story):
    """A count that is nobody's: "There are 12 ducks in the pond. 5 swim away and 3 more join them."."""
    items, place, leave, arrive = rng.choice(SCENES)
    x = rng.randint(5, EASY.max_start)
    b = rng.randint(2, x - 1)
    c = rng.randint(2, min(EASY.max_amount, EASY.max_value - x + b))
    opening = rng.choice([f"There are {x} {items} {place}.", f"{x} {items} are {place}."])
    form = rng.random()
    if form < 0.4:
        told = [(f"{b} {leave} and {c} more {arrive}.", [(x, "-", b, x - b), (x - b, "+", c, x - b + c)])]
        canon, ask = f"{x} -{b} +{c}", f"How many {items} are {place} now?"
    elif form < 0.7:
        told = [(f"{b} of them {leave}.", [(x, "-", b, x - b)])]
        canon = f"{x} -{b}"
        ask = rng.choice([f"How many {items} are {place} now?", f"How many {items} are left?", "How many stay?"])
    else:
        told = [(f"{c} more {arrive}.", [(x, "+", c, x + c)])]
        canon, ask = f"{x} +{c}", f"How many {items} are {place} now?"
    sentences = [(opening, [])] + told
    story = Story(s.name, s.he, s.him, s.his, s.friend, items, False)
    return story, sentences, ask, [canon]


def form_problem(rng: random.Random) -> Optional[Task]:
    """One word problem in a shape of this file, or None when the draw does not fit (or is held out)."""
    s = new_story(rng)
    restated_ask = False
    kind = rng.random()
    if kind < 0.17:
        drawn = _two_places(rng, s)
    elif kind < 0.34:
        drawn = _two_people(rng, s)
    elif kind < 0.43:
        drawn = _run(rng, s)
    elif kind < 0.6:
        drawn = _owned(rng, s)
        if drawn is not None:
            *drawn, restated_ask = drawn
    elif kind < 0.68:
        drawn = _keep_rest(rng, s)
    elif kind < 0.83:
        drawn = _compare(rng, s)
    else:
        s, *drawn = _scene(rng, s)
    if drawn is None:
        return None
    sentences, ask, canonicals = drawn
    if not _clear(s.items, *canonicals):
        return None
    sentences = [(agree(text, s), steps) for text, steps in sentences]
    ask = agree(ask, s)
    told = [text for text, steps in sentences if not (restated_ask and steps)]   # _after's clause is in the ask
    question = " ".join(told + [ask])
    worked = " ".join(f"{text[:-1]}, so {equations(steps)}." if steps else text for text, steps in sentences)
    answer = sentences[-1][1][-1][3]
    return Task(casual(rng, question, 0.04), f"{worked}\nThe answer is {answer}.", answer,
                f"word|{s.items}|{canonicals[0]}")


def _bare_form(rng: random.Random) -> Task:
    """Bare arithmetic in more words: "What is 9 more than 7?", "How many 5s are in 20?"."""
    x = rng.randint(2, EASY.max_start)
    op = rng.choice("+-/")
    if op == "+":
        b = rng.randint(1, min(EASY.max_amount, EASY.max_value - x))
        text = rng.choice([f"What is {b} more than {x}?", f"Find the sum of {x} and {b}.",
                           f"What is the total of {x} and {b}?", f"What do you get when you add {b} to {x}?",
                           f"Start at {x} and count on {b}. Where do you end?", f"Increase {x} by {b}."])
        return Task(casual(rng, text, 0.1), f"{x} + {b} = {x + b}.\nThe answer is {x + b}.", x + b, f"bare|{x}+{b}")
    ks = [k for k in range(2, EASY.max_divisor + 1) if x % k == 0]
    if op == "/" and ks:
        k = rng.choice(ks)
        text = rng.choice([f"How many {k}s are in {x}?", f"What do you get when you divide {x} by {k}?",
                           f"Split {x} into {k} equal parts. How big is each part?", f"What is {x} over {k}?"])
        return Task(casual(rng, text, 0.1), f"{x} / {k} = {x // k}.\nThe answer is {x // k}.", x // k, f"bare|{x}/{k}")
    b = rng.randint(1, x - 1)
    text = rng.choice([f"What is {b} less than {x}?", f"What is the difference between {x} and {b}?",
                       f"{x} minus {b} equals what?", f"Decrease {x} by {b}.", f"What is left if you take {b} from {x}?",
                       f"Count back {b} from {x}. Where do you end?"])
    return Task(casual(rng, text, 0.1), f"{x} - {b} = {x - b}.\nThe answer is {x - b}.", x - b, f"bare|{x}-{b}")


def form_task(rng: random.Random) -> Optional[Task]:
    """A task of the forms kind: mostly word problems, a fifth bare arithmetic."""
    return _bare_form(rng) if rng.random() < 0.2 else form_problem(rng)
