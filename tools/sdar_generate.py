"""SDAR / TraDo block-diffusion decoding at temperature 0, as JetAstra/SDAR @c2041a83 generate.py runs it.

    canvas = prompt + masks, padded to num_blocks = ceil((P + gen_length) / B) whole blocks
    prefill: the prompt's whole blocks (P // B of them) in one forward that stores K/V
    for each block from P // B on:
        up to denoising_steps + 1 times:
            no mask left in the block -> one forward that stores the block's K/V, next block
            else forward the block against the cache (not stored), x0 = argmax, p = softmax(x0),
                 commit masks by the remasking strategy with n = schedule[step]:
                 low_confidence_static   the n most confident masks
                 low_confidence_dynamic  every mask with p > confidence_threshold if at least n of them,
                                         else the n most confident
                 sequential              the n positions from the first mask on
                 entropy_bounded         masks by ascending entropy H = -sum p log p, the longest prefix
                                         whose cumulative H stays < eb_threshold, at least one
        schedule: B spread over denoising_steps, remainder on the first steps (get_num_transfer_tokens)
        after the block: stop if any stop id occurs anywhere in canvas[P:]
    returns the whole canvas (prompt included, num_blocks * B ids; undecoded blocks stay mask ids)

Temperature 0. generate.py itself cannot run at temperature 0 (logits / 0 -> NaN -> multinomial fails),
and with top_k=1 its confidence is the FILTERED softmax (1.0 everywhere, so any threshold < 1 commits a
whole block per step). SDAR's reported greedy numbers come from the evaluation path
(evaluation/opencompass/opencompass/models/huggingface_bd3.py: temperature 1, top_k 1, confidence from
the UNFILTERED softmax, x0 kept only at masks); that is what runs here: x0 = argmax(logits),
p = softmax(logits)[x0]. A top-k asked for more positions than there are masks commits all the masks
(huggingface_bd3 guards non-mask positions with torch.where; generate.py would overwrite them with x0).

entropy_bounded: generate.py's branch never assigns transfer_index (UnboundLocalError) and sums the
sampled-token probabilities over the block instead of over the vocabulary; implemented here as its
evident intent (per-position entropy over the vocabulary, searchsorted(cumsum, eb_threshold, left)).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from block_trace import Trace, greedy, transfer_counts  # noqa: E402

STRATEGIES = ("low_confidence_static", "low_confidence_dynamic", "sequential", "entropy_bounded")


def _select(strategy: str, conf: torch.Tensor, is_mask: torch.Tensor, n: int, probs: torch.Tensor,
            confidence_threshold: float, eb_threshold: Optional[float], trace: Trace) -> tuple[list[int], bool]:
    """Block-relative indices of the masks to commit this step, and whether a top-k asked for more
    positions than there are masks (generate.py then overwrites non-mask positions, see above)."""
    masks = is_mask.nonzero()[:, 0].tolist()
    ranked = sorted(masks, key=lambda i: (-float(conf[i]), i))
    if strategy == "sequential":
        first = masks[0]
        return [i for i in range(first, min(first + n, len(is_mask))) if is_mask[i]], False
    if strategy == "entropy_bounded":
        logp = torch.log(probs.clamp_min(1e-12))
        entropy = -(probs * logp).sum(-1)                                   # (B,) nats
        order = sorted(masks, key=lambda i: (float(entropy[i]), i))
        cumulative = torch.cumsum(entropy[order], 0)
        trace.margins.threshold(cumulative, eb_threshold)
        k = int((cumulative < eb_threshold).sum())
        return order[: max(1, min(k, len(masks)))], False
    if strategy == "low_confidence_dynamic":
        trace.margins.threshold(conf[masks], confidence_threshold)
        high = [i for i in masks if float(conf[i]) > confidence_threshold]
        if len(high) >= n:
            return high, False
    chosen, rejected = ranked[:n], ranked[n:]
    trace.margins.ranking(conf[chosen], conf[rejected])
    return chosen, n > len(masks)


@torch.no_grad()
def sdar_generate(model, prompt: list[int], mask_id: int, gen_length: int = 128, block_length: int = 4,
                  denoising_steps: int = 4, remasking_strategy: str = "low_confidence_dynamic",
                  confidence_threshold: float = 0.85, eb_threshold: Optional[float] = 0.35,
                  stopping_criteria_idx: Optional[list[int]] = None) -> tuple[list[int], Trace]:
    if remasking_strategy not in STRATEGIES:
        raise ValueError(f"remasking_strategy {remasking_strategy!r}: allowed {', '.join(STRATEGIES)}")
    B, P = block_length, len(prompt)
    num_blocks = (P + gen_length + B - 1) // B
    x = prompt + [mask_id] * (num_blocks * B - P)
    trace = Trace()
    cache = model.new_cache()
    prefill_blocks = P // B
    if prefill_blocks:
        trace.step("prefill", 0, 0, 0, prefill_blocks * B)
        model(torch.tensor([x[: prefill_blocks * B]]), cache, store=True, block_size=B)
    schedule = transfer_counts(B, denoising_steps)
    for nb in range(prefill_blocks, num_blocks):
        lo = nb * B
        for step in range(denoising_steps + 1):
            cur = x[lo: lo + B]
            is_mask = torch.tensor([t == mask_id for t in cur])
            if not is_mask.any():
                trace.step("store", nb, step, lo, B)
                model(torch.tensor([cur]), cache, store=True, block_size=B)
                break
            if step == denoising_steps and remasking_strategy != "entropy_bounded":
                raise AssertionError("masks left after denoising_steps (generate.py: IndexError)")
            record = trace.step("denoise", nb, step, lo, B)
            logits = model(torch.tensor([cur]), cache, store=False, block_size=B)[0]     # (B, V)
            x0, conf, probs = greedy(logits)
            n = schedule[min(step, denoising_steps - 1)]
            chosen, beyond = _select(remasking_strategy, conf, is_mask, n, probs, confidence_threshold,
                                     eb_threshold, trace)
            if beyond:
                record["topk_beyond_masks"] = True
            for i in chosen:
                trace.margins.token(logits[i])
                x[lo + i] = int(x0[i])
                record["commits"].append([lo + i, int(x0[i]), float(conf[i])])
        else:
            if any(t == mask_id for t in x[lo: lo + B]):
                raise AssertionError("block left with masks and never stored (generate.py would go on "
                                     "without its K/V); use more denoising_steps")
        if stopping_criteria_idx and any(t in stopping_criteria_idx for t in x[P:]):
            break
    return x, trace


def main() -> None:
    from sdar_reference import load_sdar
    ap = argparse.ArgumentParser(description="SDAR/TraDo generate at temperature 0 with a step trace")
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt-ids", required=True, help="comma-separated token ids")
    ap.add_argument("--mask-id", type=int, required=True)
    ap.add_argument("--gen-length", type=int, default=128)
    ap.add_argument("--block-length", type=int, default=4)
    ap.add_argument("--denoising-steps", type=int, default=4)
    ap.add_argument("--remasking-strategy", default="low_confidence_dynamic", choices=STRATEGIES)
    ap.add_argument("--confidence-threshold", type=float, default=0.85)
    ap.add_argument("--eb-threshold", type=float, default=0.35)
    ap.add_argument("--stop-ids", default="", help="comma-separated stopping_criteria_idx")
    a = ap.parse_args()
    ids, trace = sdar_generate(load_sdar(a.model), [int(t) for t in a.prompt_ids.split(",")], a.mask_id,
                               a.gen_length, a.block_length, a.denoising_steps, a.remasking_strategy,
                               a.confidence_threshold, a.eb_threshold,
                               [int(t) for t in a.stop_ids.split(",") if t])
    print(json.dumps({"ids": ids, "forwards": trace.forwards, "steps": trace.steps}))


if __name__ == "__main__":
    main()
