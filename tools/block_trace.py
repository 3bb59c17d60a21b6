"""The per-step record the block-diffusion generate loops write, and how close each decision was.

A trace is a list of steps; each step is one forward of the model, in the order the official loop
runs them:

    {"kind": "prefill" | "denoise" | "post" | "store",
     "block": b,                  block index on the canvas (position // block_length)
     "step": s,                   the loop's own step counter inside the block (see each loop)
     "forward": [start, length],  the positions the model computed (RoPE positions; the rest came from
                                  the cache). Equal to canvas positions except in Fast-dLLM v2's P == B case
     "commits": [[pos, token, prob], ...]        a mask became `token`, softmax probability `prob`
     "edits":   [[pos, old, new, prob], ...]     a committed token was replaced (LLaDA2.1 editing)
     "appended": [pos, token, prob]              Fast-dLLM v2's autoregressive token after a stored block
     "topk_beyond_masks": true                   SDAR: the top-k asked for more positions than masks left
    }

`pos` is an absolute canvas position (prompt included). `prob` is the probability the loop compared
against its thresholds (fp32 softmax of the raw logits at temperature 0).

`Margins` keeps the smallest gap of every decision that a float32 re-implementation could flip: the
top-1/top-2 logit gap of every token the loop wrote, the distance of every compared probability to its
threshold, and the gap between the last chosen and the first rejected confidence of a top-k. Fixture
generators keep only cases whose margins clear float noise by a wide margin.
"""

from __future__ import annotations

import math
from typing import Optional

import torch


class Margins:
    def __init__(self):
        self.logit_gap = math.inf        # top-1 minus top-2 logit of a token that was written
        self.prob_gap = math.inf         # |prob - threshold| or the k-th/(k+1)-th confidence gap

    def token(self, logits_row: torch.Tensor) -> None:
        top2 = logits_row.float().topk(2).values
        self.logit_gap = min(self.logit_gap, float(top2[0] - top2[1]))

    def threshold(self, probs: torch.Tensor, threshold: float) -> None:
        finite = probs[torch.isfinite(probs)]
        if finite.numel():
            self.prob_gap = min(self.prob_gap, float((finite - threshold).abs().min()))

    def ranking(self, chosen: torch.Tensor, rejected: torch.Tensor) -> None:
        """Confidences of the chosen and the not-chosen candidates of a top-k (finite ones only)."""
        chosen, rejected = chosen[torch.isfinite(chosen)], rejected[torch.isfinite(rejected)]
        if chosen.numel() and rejected.numel():
            self.prob_gap = min(self.prob_gap, float(chosen.min() - rejected.max()))

    def as_dict(self) -> dict:
        """null where no such decision was taken (JSON has no infinity)."""
        return {k: (None if math.isinf(v) else v) for k, v in (("logit_gap", self.logit_gap), ("prob_gap", self.prob_gap))}


class Trace:
    def __init__(self):
        self.steps: list[dict] = []
        self.margins = Margins()

    def step(self, kind: str, block: int, step: int, start: int, length: int) -> dict:
        record = {"kind": kind, "block": block, "step": step, "forward": [start, length],
                  "commits": [], "edits": []}
        self.steps.append(record)
        return record

    @property
    def forwards(self) -> int:
        return len(self.steps)


def greedy(logits: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Temperature 0: token = argmax of the logits, prob = its softmax probability (fp32), probs."""
    probs = torch.softmax(logits.float(), dim=-1)
    token = logits.argmax(dim=-1)
    return token, probs.gather(-1, token[..., None])[..., 0], probs


def transfer_counts(block_length: int, steps: int) -> list[int]:
    """block_length spread over steps, the remainder one each on the FIRST steps (every loop here)."""
    base, rem = divmod(block_length, steps)
    return [base + (1 if i < rem else 0) for i in range(steps)]


def first_index(seq: list[int], value: int) -> Optional[int]:
    return seq.index(value) if value in seq else None
