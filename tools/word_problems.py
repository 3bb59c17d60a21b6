"""Word problems of the bundled tiny-arith model's tasks (issue 16), and what every task shares.

Every word problem follows one person's count of one kind of item through 1-4 operations (add:
buy / find / get / receive / win / earn / "X gives him 4"; subtract: give / sell / lose / eat / use /
spend / "2 of them get lost"; double; halve; and a last operation that may change what is asked: share
equally, "Y has 3 more / fewer than X", "twice / half as many", a difference, a total). Each operation
and each question has many phrasings; names and items come from wide lists; stories are told in the
present or the past, now and then in the first or second person ("I have 6 eggs."), with sentences
joined ("Mia has 5 apples and buys 3 more."), as one "If ..., how many ...?" sentence, with a time or
place, a start given as groups ("2 bags with 6 in each"), or an irrelevant sentence. Bare arithmetic,
drills and refusals are in short_tasks.py, other story shapes in story_forms.py, the training stream
and the held-out splits in task_stream.py.

The worked answer (v3) restates each story sentence of the question, followed by its arithmetic, then
the line "The answer is N.":
    Q: Mia has 5 apples. She buys 3 more. Tom eats 2 of them. How many apples does Mia have now?
    A: Mia has 5 apples. She buys 3 more, so 5 + 3 = 8. Tom eats 2 of them, so 8 - 2 = 6.
       The answer is 6.
v1 and v2 wrote one clause per operation with a fixed verb ("Mia gets 3 more, so 5 + 3 = 8. Then she
loses 2, ... Therefore Mia has 6 apples."); decoded left to right, the model had to know from the
question whether another operation was left, and it kept writing "Then ..." clauses. Restating the
question makes that a copy: after a restated sentence comes the question's next one, or the answer.

Held out by construction: a task belongs to the held-out side iff the hash of its canonical form
(kind, numbers, operations, item; not names nor phrasing) falls in HELDOUT_BUCKETS of 1000
(`is_heldout`), and the training stream rejects exactly those.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from typing import Optional

HELDOUT_BUCKETS = 50            # of 1000: 5 % of canonical tasks are held out, never trained on


@dataclass(frozen=True)
class Limits:
    max_start: int
    max_amount: int
    max_value: int
    max_divisor: int


MAX_WORKED_CHARS = 260       # long answers are rare; train_tiny also skips any that exceeds gen_length
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
        "Tariq", "Felix", "Oscar", "Ravi", "Diego", "Paul", "Carl", "Dan", "Jamal", "Wei", "Amir",
        "Mateo", "Yusuf", "Arjun", "Lucas", "Ethan", "Henry", "Jonas", "Sean", "Tomas", "Victor", "Hassan",
        "George", "Peter", "Nico", "Ahmed", "Kofi", "Ryan", "Mark"]
FEMALE = ["Mia", "Ana", "Zoe", "Ivy", "Eva", "Lily", "Nora", "Emma", "Sara", "Yuki", "Ella", "Lucy",
          "Grace", "Ruby", "Chloe", "Maya", "Aisha", "Hana", "Lea", "Rosa", "Fatima", "Olga", "Priya",
          "Julia", "Kate", "Amy", "Nina", "Tara", "Mei", "Sofia", "Alice", "Jane", "Leila", "Amara",
          "Clara", "Elena", "Zara", "Ines", "Mila", "Anna", "Laura", "Emily", "Hannah", "Sophie", "Noor",
          "Isla", "Freya", "Marta", "Ada", "Beth", "Kim"]
FOOD = ["apples", "cookies", "candies", "eggs", "oranges", "bananas", "cupcakes", "muffins",
        "grapes", "lemons", "peaches", "plums", "carrots", "strawberries", "cherries", "donuts",
        "pears", "nuts", "crackers", "chocolates", "sweets", "biscuits", "tomatoes", "potatoes",
        "mangoes", "pies", "sandwiches", "cakes", "pretzels", "kiwis", "onions", "melons", "lollipops"]
THINGS = ["pens", "cards", "marbles", "stickers", "books", "coins", "shells", "stamps", "pencils",
          "balloons", "rocks", "flowers", "toys", "buttons", "beads", "crayons", "shirts", "socks",
          "cars", "dolls", "blocks", "ribbons", "bottles", "cups", "plates", "paper clips", "erasers",
          "seeds", "feathers", "keys", "badges", "comics", "puzzles", "candles", "tickets", "leaves",
          "toy cars", "dollars", "stones", "bracelets", "postcards", "magnets", "pictures", "kites",
          "chickens", "fish", "goldfish", "sheep", "hats", "robots", "tokens", "glasses", "bowls"]
RELATIVES = ["friend", "teacher", "sister", "brother", "mom", "dad", "grandma", "grandpa", "aunt", "uncle",
             "neighbour", "cousin"]
# "{his}" is the story's own possessive ("Mia gets 3 from her dad"); "{his} friend" twice keeps the
# weights (and random draws) of the list before it had the placeholder
OTHER_PEOPLE = ["{his} friend", "{his} friend", "the teacher", "a neighbour", "{his} sister", "{his} brother",
                "{his} mom", "{his} dad", "a classmate", "grandma"]


@dataclass
class Story:
    name: str
    he: str
    him: str
    his: str
    friend: str
    items: str
    food: bool
    person: int = 3             # 1: told as "I", 2: as "you"; the verbs agree afterwards (_agree)

    @property
    def He(self) -> str:
        return self.he.capitalize()

    @property
    def His(self) -> str:
        return self.his.capitalize()

    def someone_else(self, rng: random.Random, *also: str) -> str:
        """Another person of the story: one of OTHER_PEOPLE, in this story's possessive, or one of `also`."""
        return rng.choice(OTHER_PEOPLE + list(also)).format(his=self.his)

    def subject(self, rng: random.Random) -> str:
        """The subject of a question sentence: mostly the pronoun, sometimes the name."""
        return self.name if rng.random() < 0.3 else self.He


def new_story(rng: random.Random) -> Story:
    male = rng.random() < 0.5
    name = rng.choice(MALE if male else FEMALE)
    friend = rng.choice([n for n in rng.choice([MALE, FEMALE]) if n != name])
    food = rng.random() < 0.45
    items = rng.choice(FOOD if food else THINGS)
    person = rng.choices([3, 1, 2], weights=[0.87, 0.08, 0.05])[0]
    if person != 3:
        me = ("I", "me", "my") if person == 1 else ("you", "you", "your")
        return Story(me[0].capitalize(), *me, friend, items, food, person)
    return Story(name, *(("he", "him", "his") if male else ("she", "her", "her")), friend, items, food)


PLAIN = {"has": "have", "buys": "buy", "finds": "find", "gets": "get", "receives": "receive", "gives": "give",
         "wins": "win", "picks": "pick", "collects": "collect", "adds": "add", "sells": "sell", "loses": "lose",
         "uses": "use", "trades": "trade", "drops": "drop", "eats": "eat", "breaks": "break",
         "doubles": "double", "shares": "share", "splits": "split", "puts": "put", "divides": "divide",
         "starts": "start", "owns": "own", "earns": "earn", "spends": "spend", "keeps": "keep", "does": "do",
         "lives": "live", "likes": "like", "holds": "hold"}
_PRONOUN_VERB = re.compile(r"\b(I|[Yy]ou) (" + "|".join(PLAIN) + r"|is)\b")
_VERB_PRONOUN = re.compile(r"\b(does|is) (I|you)\b")


def agree(text: str, s: Story) -> str:
    """A sentence of a first- or second-person story made grammatical: "I buys" -> "I buy", "does I"
    -> "do I", "I's bag" -> "my bag", and "You" lower-cased inside a sentence."""
    if s.person == 3:
        return text
    text = text.replace(f"{s.name}'s", s.his)
    text = text[0].upper() + text[1:]
    text = re.sub(r"(?<=[^.?!] )You\b", "you", text)
    text = _PRONOUN_VERB.sub(lambda m: f"{m.group(1)} " + ({"I": "am"}.get(m.group(1), "are")
                             if m.group(2) == "is" else PLAIN[m.group(2)]), text)
    return _VERB_PRONOUN.sub(lambda m: ("do " if m.group(1) == "does" else ("am " if m.group(2) == "I" else "are "))
                             + m.group(2), text)


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
    other = s.someone_else(rng, *[s.friend] * 4)
    relative = f"{s.His} {rng.choice(RELATIVES)}"
    q = rng.choice([
        f"{S} buys {b} more {s.items}.", f"{S} buys {b} {s.items}.", f"{S} finds {b} {s.items}.",
        f"{S} finds {b} more {s.items}.", f"{S} gets {b} more {s.items}.",
        f"{S} gets {b} {s.items} from {other}.", f"{S} receives {b} {s.items}.",
        f"{S} receives {b} more {s.items} from {other}.", f"{s.friend} gives {s.him} {b} {s.items}.",
        f"{s.friend} gives {s.him} {b} more {s.items}.", f"{S} wins {b} {s.items}.",
        f"{S} wins {b} {s.items} in a game.", f"{S} picks up {b} {s.items}.",
        f"{S} collects {b} more {s.items}.", f"{S} is given {b} {s.items}.",
        f"Then {s.he} buys {b} more.", f"After that, {s.he} finds {b} more {s.items}.",
        f"{relative} gives {s.him} {b} more {s.items}.", f"{relative} gives {s.him} {b} {s.items}.",
        f"{S} buys another {b}.", f"{S} gets {b} extra {s.items}.", f"{S} gets {b} more.",
        f"{S} adds {b} {s.items} to {s.his} collection." if not s.food else f"{S} picks {b} more {s.items}.",
    ] + ([f"{S} earns {b} {s.items}.", f"{S} earns {b} more {s.items} at work."] if s.items == "dollars" else []))
    return q, (x, "+", b, x + b), f"+{b}"


def _subtract(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, x - 1))
    if b is None:
        return None
    S = s.subject(rng)
    relative = f"{s.his} {rng.choice(RELATIVES)}"
    phrasings = [
        f"{S} gives {b} {s.items} to {s.friend}.", f"{S} gives {s.friend} {b} {s.items}.",
        f"{S} gives away {b} {s.items}.", f"{S} sells {b} {s.items}.", f"{S} sells {b} of them.",
        f"{S} loses {b} {s.items}.", f"{S} loses {b} of {s.his} {s.items}.",
        f"{S} uses {b} {s.items}.", f"{S} uses {b} of {s.his} {s.items}.",
        f"Then {s.he} gives {b} to {s.friend}.", f"After that, {s.he} sells {b} {s.items}.",
        f"{S} trades away {b} {s.items}.", f"{S} drops {b} {s.items}.",
        f"{S} gives {b} of them to {relative}.", f"{S} gives {relative} {b} {s.items}.",
        f"{b} of {s.his} {s.items} get lost.", f"{b} of them get lost.",
    ]
    if s.items in ("dollars", "coins", "tokens"):
        phrasings += [f"{S} spends {b} {s.items}.", f"{S} spends {b} {s.items} on a snack."]
    if s.food:
        phrasings += [f"{S} eats {b} {s.items}.", f"{S} eats {b} of them.", f"{S} eats {b} of {s.his} {s.items}.",
                      f"{s.friend} eats {b} of {s.his} {s.items}.", f"{s.His} dog eats {b} of them."]
    else:
        phrasings += [f"{S} breaks {b} {s.items}." if s.items in ("cups", "plates", "bottles", "crayons", "pencils")
                      else f"{S} gives {b} {s.items} to {s.someone_else(rng)}.", f"{b} of them break."
                      if s.items in ("cups", "plates", "bottles", "balloons") else f"{S} loses {b} more."]
    return rng.choice(phrasings), (x, "-", b, x - b), f"-{b}"


def _double(rng, s: Story, x: int, lim: Limits):
    if 2 * x > lim.max_value or x < 1:
        return None
    S = s.subject(rng)
    q = rng.choice([
        f"{S} doubles {s.his} {s.items}.", f"{S} doubles the number of {s.items} {s.he} has.",
        f"The number of {s.items} {s.he} has doubles.", f"Now {s.he} has twice as many {s.items}.",
        f"{S} gets as many {s.items} again.", f"{S} doubles them.",
    ])
    return q, (x, "*", 2, 2 * x), "*2"


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
    return rng.choice(phrasings), (x, "/", 2, x // 2), "/2"


CHAIN = [(_add, 4), (_subtract, 4), (_double, 1), (_halve, 1)]


# ----------------------------------------------------------------------------------------------
# Final operations: they end the question themselves. Each returns (statement, question, equation,
# canonical); the statement is the sentence the worked answer restates.

def _share(rng, s: Story, x: int, lim: Limits):
    ks = [k for k in range(2, lim.max_divisor + 1) if x % k == 0 and x >= k]
    if not ks:
        return None
    k = rng.choice(ks)
    group, unit, gets = rng.choice([
        (f"{s.He} shares the {s.items} equally among {k} friends.", "friend", True),
        (f"{s.He} shares them equally between {k} friends.", "friend", True),
        (f"{s.He} splits the {s.items} equally among {k} kids.", "kid", True),
        (f"{s.He} puts the {s.items} into {k} equal boxes.", "box", False),
        (f"{s.He} puts them into {k} bags with the same number in each.", "bag", False),
        (f"{s.He} divides the {s.items} into {k} equal groups.", "group", False),
    ])
    ask = rng.choice([
        f"How many {s.items} does each {unit} get?" if gets else f"How many {s.items} are in each {unit}?",
        f"How many {s.items} does each {unit} get?" if gets else f"How many {s.items} does each {unit} have?",
        f"How many does each {unit} get?" if gets else f"How many are in each {unit}?",
    ])
    return group, ask, (x, "/", k, x // k), f"share{k}"


def _more_than(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, lim.max_value - x))
    if b is None:
        return None
    F, N = s.friend, s.name
    statement = rng.choice([f"{F} has {b} more {s.items} than {N}.", f"{N} has {b} fewer {s.items} than {F}.",
                            f"{F} has {b} more than {N}."])
    return statement, _friend_question(rng, s), (x, "+", b, x + b), f"more{b}"


def _fewer_than(rng, s: Story, x: int, lim: Limits):
    b = _amount(rng, 2, min(lim.max_amount, x - 1))
    if b is None:
        return None
    F, N = s.friend, s.name
    statement = rng.choice([f"{F} has {b} fewer {s.items} than {N}.", f"{N} has {b} more {s.items} than {F}.",
                            f"{F} has {b} less than {N}."])
    return statement, _friend_question(rng, s), (x, "-", b, x - b), f"fewer{b}"


def _friend_question(rng, s: Story) -> str:
    F = s.friend
    return rng.choice([f"How many {s.items} does {F} have?", f"How many {s.items} has {F} got?",
                       f"How many does {F} have?"])


def _difference(rng, s: Story, x: int, lim: Limits):
    c = _amount(rng, max(1, x - lim.max_amount), min(x - 1, lim.max_amount))
    if c is None:
        return None
    F, N = s.friend, s.name
    ask = rng.choice([f"How many more {s.items} does {N} have than {F}?",
                      f"How many fewer {s.items} does {F} have than {N}?", f"How many more does {N} have?"])
    return f"{F} has {c} {s.items}.", ask, (x, "-", c, x - c), f"diff{c}"


def _total(rng, s: Story, x: int, lim: Limits):
    c = _amount(rng, 2, min(lim.max_amount, lim.max_value - x))
    if c is None:
        return None
    F, N = s.friend, s.name
    ask = rng.choice([f"How many {s.items} do they have in total?", f"How many {s.items} do they have together?",
                      f"How many {s.items} do {N} and {F} have altogether?", "How many do they have in all?"])
    return f"{F} has {c} {s.items}.", ask, (x, "+", c, x + c), f"total{c}"


def _times_as_many(rng, s: Story, x: int, lim: Limits):
    F, N = s.friend, s.name
    if rng.random() < 0.5 and 2 * x <= lim.max_value:
        return f"{F} has twice as many {s.items} as {N}.", _friend_question(rng, s), (x, "*", 2, 2 * x), "twice"
    if x % 2 == 0 and x >= 2:
        return f"{F} has half as many {s.items} as {N}.", _friend_question(rng, s), (x, "/", 2, x // 2), "half"
    return None


FINAL = [_share, _more_than, _fewer_than, _difference, _total, _times_as_many]


def _own_question(rng, s: Story, last: str) -> str:
    """The question about the person's own count, fitting the last operation when it says so."""
    N = s.name
    choices = [f"How many {s.items} does {N} have now?", f"How many {s.items} does {N} have in the end?",
               f"How many {s.items} does {s.he} have now?", f"How many {s.items} does {N} have?",
               f"How many {s.items} are there now?", f"How many {s.items} does {N} end up with?",
               f"How many {s.items} does {N} have at the end?", f"How many does {N} have now?",
               f"How many {s.items} does {s.he} have after that?", f"How many {s.items} is {N} left with?",
               f"What is the number of {s.items} {N} has now?"]
    if last in ("-", "/"):
        choices += [f"How many {s.items} does {N} have left?", f"How many {s.items} are left?",
                    f"How many {s.items} does {s.he} have left?", "How many are left?",
                    f"How many {s.items} are still there?"]
    if last == "+":
        choices += [f"How many {s.items} does {N} have in total?", f"How many {s.items} does {s.he} have altogether?",
                    f"How many {s.items} does {s.he} have in all?"]
    return rng.choice(choices)


def _opening(rng, s: Story, x: int) -> str:
    return rng.choice([f"{s.name} has {x} {s.items}.", f"{s.name} has {x} {s.items}.",
                       f"{s.name} starts with {x} {s.items}.", f"{s.name} had {x} {s.items}.",
                       f"There are {x} {s.items} in {s.name}'s bag.", f"{s.name} owns {x} {s.items}.",
                       f"{s.name} buys {x} {s.items}.", f"{s.name} collects {x} {s.items}.",
                       f"{s.name}'s box holds {x} {s.items}.", f"{s.name} has {x} {s.items} at home."])


def _groups_opening(rng, s: Story, lim: Limits):
    """"Omar has 2 bags with 6 oranges in each." -- a start that is itself a product."""
    k = rng.randint(2, 5)
    m = _amount(rng, 2, min(10, lim.max_value // k))
    if m is None:
        return None
    box = rng.choice(["bags", "boxes", "baskets", "jars", "packs"])
    text = rng.choice([f"{s.name} has {k} {box} with {m} {s.items} in each.",
                       f"{s.name} has {k} {box} with {m} {s.items} in each {box[:-2] if box == 'boxes' else box[:-1]}."])
    return text, (k, "*", m, k * m)


ADVERBIALS = [" today", " on Monday", " on Saturday", " at the market", " at school", " in the morning",
              " after lunch", " at the park", " in the afternoon", " on the way home"]
DISTRACTORS = ["{name} is {n} years old.", "The sky is blue today.", "{friend} likes music.",
               "It is a sunny day.", "{name} lives in a small town."]


def _decorated(rng, text: str) -> str:
    """A story sentence with, now and then, a time or place before its full stop."""
    return f"{text[:-1]}{rng.choice(ADVERBIALS)}." if rng.random() < 0.1 else text


# Story sentences told in the past ("Sam had 7 pencils. His teacher gave him 6 more."); questions stay
# in the present, as people write them.
PAST = {"has": "had", "buys": "bought", "finds": "found", "gets": "got", "receives": "received",
        "gives": "gave", "wins": "won", "picks": "picked", "collects": "collected", "is": "was",
        "are": "were", "adds": "added", "sells": "sold", "loses": "lost", "uses": "used", "trades": "traded",
        "drops": "dropped", "eats": "ate", "breaks": "broke", "break": "broke", "doubles": "doubled",
        "shares": "shared", "splits": "split", "puts": "put", "divides": "divided", "starts": "started",
        "owns": "owned", "get": "got", "earns": "earned", "spends": "spent", "holds": "held",
        "lives": "lived", "likes": "liked", "am": "was", "have": "had", "buy": "bought", "find": "found",
        "give": "gave", "lose": "lost", "eat": "ate", "sell": "sold", "earn": "earned", "spend": "spent"}
PAST_WORDS = re.compile(r"\b(" + "|".join(PAST) + r")\b")


def in_past(sentence: str) -> str:
    return PAST_WORDS.sub(lambda m: PAST[m.group(1)], sentence)


def _join(first: str, second: str, s: Story) -> str:
    """Two story sentences as one: "Mia has 5 apples and buys 3 more." (the second's subject dropped
    when it is the same person), "He eats 3 cookies and his dog eats 2 more."."""
    person = first.startswith((f"{s.name} ", f"{s.He} ", f"Then {s.he} ", f"After that, {s.he} "))
    for subject in (f"{s.He} ", f"{s.name} "):
        if second.startswith(subject) and person:
            return f"{first[:-1]} and {second[len(subject):]}"
    if second.split()[0] in (s.name, s.friend):
        return f"{first[:-1]} and {second}"
    return f"{first[:-1]} and {second[0].lower()}{second[1:]}"


def casual(rng, question: str, share: float) -> str:
    """Typed as people type now and then: no capital first letter, no final punctuation."""
    if rng.random() < share:
        question = question[0].lower() + question[1:]
    if rng.random() < share:
        question = question.rstrip(".?")
    return question


def equations(steps: list[tuple[int, str, int, int]]) -> str:
    return " and ".join(f"{x} {op} {b} = {y}" for x, op, b, y in steps)


def word_problem(rng: random.Random, n_operations: int, lim: Limits) -> Optional[Task]:
    """One word problem of exactly n_operations operations within lim, or None when a draw got stuck.

    The worked answer restates each story sentence of the question followed by its arithmetic ("She buys
    3 more apples, so 5 + 3 = 8."), so in any decoding order each step has a local cue: the sentence it
    restates, and after it the question's next sentence, which tells whether another step follows."""
    s = new_story(rng)
    x = rng.randint(1 if n_operations > 1 else 2, lim.max_start)
    sentences: list[tuple[str, list]] = [(_opening(rng, s, x), [])]    # (story sentence, its equations)
    canonical = [f"{x}"]
    groups = _groups_opening(rng, s, lim) if n_operations < 4 and rng.random() < 0.06 else None
    if groups:
        sentences, canonical, x = [(groups[0], [groups[1]])], [f"{groups[1][0]}x{groups[1][2]}"], groups[1][3]
    if n_operations < 4 and rng.random() < 0.05:
        sentences.append((rng.choice(DISTRACTORS).format(name=s.name, friend=s.friend, n=rng.randint(6, 12)), []))
    ask, last_kind = None, ""
    for i in range(n_operations):
        if i == n_operations - 1 and rng.random() < 0.4:
            final = rng.choice(FINAL)(rng, s, x, lim)
            if final is not None:
                statement, ask, step, canon = final
                sentences.append((statement, [step]))
                canonical.append(canon)
                x = step[3]
                break
        ops = [op for op, w in CHAIN for _ in range(w)]
        for _ in range(8):
            drawn = rng.choice(ops)(rng, s, x, lim)
            if drawn is not None:
                break
        else:
            return None
        statement, step, canon = drawn
        sentences.append((_decorated(rng, statement), [step]))
        canonical.append(canon)
        x, last_kind = step[3], canon[0]
    if ask is None:
        ask = _own_question(rng, s, last_kind)
    sentences, ask = [(agree(text, s), steps) for text, steps in sentences], agree(ask, s)
    assert 0 <= x <= lim.max_value
    past = rng.random() < 0.3
    if past:
        sentences = [(in_past(text), steps) for text, steps in sentences]
    merged = [sentences[0]]
    for text, steps in sentences[1:]:
        if rng.random() < 0.2 and len(merged[-1][1]) < 2:
            merged[-1] = (_join(merged[-1][0], text, s), merged[-1][1] + steps)
        else:
            merged.append((text, steps))
    if len(merged) == 1 and not past and rng.random() < 0.5:     # "If Tom has 12 marbles and ..., how many ...?"
        question = f"If {merged[0][0][:-1]}, {ask[0].lower()}{ask[1:]}"
    else:
        question = " ".join([text for text, _ in merged] + [ask])
    worked = " ".join(f"{text[:-1]}, so {equations(steps)}." if steps else text for text, steps in merged)
    if len(worked) > MAX_WORKED_CHARS:
        return None
    return Task(casual(rng, question, 0.04), f"{worked}\nThe answer is {x}.", x, f"word|{s.items}|{' '.join(canonical)}")
