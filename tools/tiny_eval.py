"""Greedy evaluation of the tiny-arith model in the two orders, one token per step (issue 16).

`train_tiny.py` evaluates its run with it every --eval-every steps, `export_tiny.py` scores an export,
`miss_buckets.py` sorts the misses. The figures equal dscope's `tradeoff --rule k --values 1` on the
same tasks; the acceptance figures are dscope's own.
"""

from __future__ import annotations

import math
import re
import sys
from pathlib import Path
from typing import Optional

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import arith_tokenizer  # noqa: E402
from llada_reference import LLaDAModel  # noqa: E402

ANSWER_PATTERN = re.compile(r"The answer is (\d+)\.")
EVAL_SETS = {  # name -> (file in task_stream.DATA, tasks evaluated)
    "easy": ("heldout.jsonl", 50),
    "hard": ("heldout-hard.jsonl", 30),
    "hand": ("handwritten.jsonl", 60),
    "ood": ("heldout-ood.jsonl", 10),
}



def masked_canvas(prompts: list[list[int]], gen_length: int, mask_id: int, pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(canvas, attend): each row its prompt, then gen_length masks, then pad (attention-masked)."""
    T = max(len(p) for p in prompts) + gen_length
    canvas = torch.full((len(prompts), T), pad_id, dtype=torch.long)
    attend = torch.zeros((len(prompts), T), dtype=torch.bool)
    for row, p in enumerate(prompts):
        canvas[row, :len(p)] = torch.tensor(p)
        canvas[row, len(p):len(p) + gen_length] = mask_id
        attend[row, :len(p) + gen_length] = True
    return canvas, attend


@torch.no_grad()
def greedy_decode(model: LLaDAModel, prompts: list[list[int]], gen_length: int, mask_id: int, pad_id: int,
                  order: str) -> list[list[int]]:
    """Batched greedy decode with per-row prompt lengths (right padding, attention-masked).

    order "ar": each step commits the leftmost mask (= llada_generate with block_length 1);
    order "confidence": each step commits the mask whose argmax has the highest softmax probability
    (= llada_generate with one block of gen_length, low_confidence). Same result as llada_generate
    row by row (and as dscope with `--rule k --values 1`); batched so evaluation stays cheap.
    """
    B, device = len(prompts), next(model.parameters()).device
    lengths = torch.tensor([len(p) for p in prompts])
    canvas, attend = masked_canvas(prompts, gen_length, mask_id, pad_id)
    canvas, attend, lengths = canvas.to(device), attend.to(device), lengths.to(device)
    rows = torch.arange(B, device=device)
    for step in range(gen_length):
        logits = model(canvas, attend).double()
        if order == "ar":
            position = lengths + step
            token = logits[rows, position].argmax(dim=-1)
        else:
            p = logits.softmax(dim=-1)
            x0 = p.argmax(dim=-1)
            confidence = torch.gather(p, -1, x0[..., None]).squeeze(-1)
            confidence = torch.where(canvas == mask_id, confidence, torch.full_like(confidence, -math.inf))
            position = confidence.argmax(dim=-1)
            token = x0[rows, position]
        canvas[rows, position] = token
    canvas = canvas.cpu()
    return [canvas[row, len(p):len(p) + gen_length].tolist() for row, p in enumerate(prompts)]


def parse_answer(text: str) -> Optional[int]:
    found = ANSWER_PATTERN.findall(text)
    return int(found[-1]) if found else None


def is_correct(text: str, expected) -> bool:
    """A number is checked against "The answer is N."; a refusal must be the whole (stripped) text."""
    if isinstance(expected, str) and not expected.lstrip("-").isdigit():
        return text.strip() == expected
    return parse_answer(text) == int(expected)


def evaluate(model: LLaDAModel, tokenizer, tasks: list[dict], gen_length: int, mask_id: int, pad_id: int,
             batch: int = 100) -> dict:
    """{"ar": accuracy, "confidence": accuracy, "<order>_samples": [(prompt, output)]} on `tasks`."""
    prompts = [tokenizer.encode(arith_tokenizer.render_prompt(t["prompt"]), add_special_tokens=False).ids
               for t in tasks]
    result = {}
    was_training = model.training
    model.eval()
    for order in ("ar", "confidence"):
        correct, samples = 0, []
        for start in range(0, len(tasks), batch):
            outputs = greedy_decode(model, prompts[start:start + batch], gen_length, mask_id, pad_id, order)
            for task, ids in zip(tasks[start:start + batch], outputs):
                text = tokenizer.decode(ids, skip_special_tokens=True)
                ok = is_correct(text, task["answer"])
                correct += ok
                if not ok and len(samples) < 1:
                    samples.append((task["prompt"], text))
        result[order] = correct / len(tasks)
        result[order + "_samples"] = samples
    model.train(was_training)
    return result
