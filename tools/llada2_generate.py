"""LLaDA2.0 / 2.1 decoding at temperature 0, as diffusers' LLaDA2Pipeline runs it (editing included).

Source: huggingface/diffusers @58eb52c0 src/diffusers/pipelines/llada2/pipeline_llada2.py (`__call__`,
l.~400-540) with schedulers/scheduling_block_refinement.py (`step` mask mode, `check_eos_finished`,
`check_block_should_continue`). Pipeline defaults: gen_length 2048, block_length = scheduler's 32,
num_inference_steps 32, temperature 0, threshold 0.7, editing_threshold 0.5, max_post_steps 16,
minimal_topk 1, eos_early_stop True. Docs: 2.1 "quality" 0.7 / 0.5 / 16, "speed" 0.5 / None / 16; 2.0:
editing off (None or 0.0).

    steps = min(num_inference_steps, gen_length // minimal_topk); schedule = B spread over steps,
    remainder on the first steps
    canvas = ceil((P + gen_length) / B) blocks of masks, prompt in front; positions >= P + gen_length
    are padding KEYS (attention mask 0) but are still decoded
    for each block from P // B on (the window is canvas[: end of this block]):
        post = 0; step = 0
        loop:
            masks_remaining = the block has a mask (before this step); if not: post += 1
            forward the window (block-causal), take the block's logits; x = argmax, p = softmax(x)
            masks_remaining: n = schedule[min(step, steps-1)]; masks with p > threshold if at least n
                             of them, else the min(n, #masks) most confident masks
            editing (editing_threshold > 0): every non-mask, non-prompt position of the block (as it
                             was BEFORE this step) whose x differs and p > editing_threshold takes x
            EOS: if a written token is eos, find the FIRST eos in the window; finished when it is at or
                 after P and nothing in window[P:eos] is a mask
            if masks_remaining: step += 1
            stop the block when: finished | (no masks before this step and editing off) |
                 (no masks before this step and nothing edited) | (masks before and step >= steps) |
                 (no masks before and post > max_post_steps)
        finished -> stop
    returns canvas[P : P + gen_length] (only the generated part; masks and post-EOS ids left as they are)

The pipeline recomputes the whole window each step; under the block-causal mask the earlier blocks do
not see later ones, so an exact KV cache of committed blocks gives the same logits (checked by the
fixture generator). `use_cache=True` here runs the cached form.
Note: the pipeline hands the model a 2D padding mask; the hub's LLaDA2 modeling files want a 4D block
mask. We use the block-causal mask of the model's own generate() and training (see docs/block-diffusion.md).
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


def _eos_finished(window: list[int], P: int, eos_id: int, mask_id: int) -> bool:
    if eos_id not in window:
        return False
    at = window.index(eos_id)
    return at >= P and mask_id not in window[P:at]


@torch.no_grad()
def llada2_generate(model, prompt: list[int], mask_id: int, eos_id: Optional[int], gen_length: int = 2048,
                    block_length: int = 32, num_inference_steps: int = 32, threshold: float = 0.7,
                    editing_threshold: Optional[float] = 0.5, max_post_steps: int = 16, minimal_topk: int = 1,
                    eos_early_stop: bool = True, use_cache: bool = False) -> tuple[list[int], Trace]:
    B, P = block_length, len(prompt)
    steps = min(num_inference_steps, gen_length // minimal_topk)
    schedule = transfer_counts(B, steps)
    num_blocks = (P + gen_length + B - 1) // B
    x = prompt + [mask_id] * (num_blocks * B - P)
    key_valid = torch.arange(num_blocks * B) < P + gen_length
    editing = editing_threshold is not None and editing_threshold > 0.0
    trace = Trace()
    cache = model.new_cache() if use_cache else None
    prefill = P // B
    if use_cache and prefill:
        trace.step("prefill", 0, 0, 0, prefill * B)
        model(torch.tensor([x[: prefill * B]]), cache, store=True, block_size=B, key_valid=key_valid[: prefill * B])
    finished = False
    for nb in range(prefill, num_blocks):
        lo, hi = nb * B, (nb + 1) * B
        is_prompt = torch.arange(lo, hi) < P
        post, step = 0, 0
        while True:
            block = x[lo:hi]
            is_mask = torch.tensor([t == mask_id for t in block])
            masks_remaining = bool(is_mask.any())
            if not masks_remaining:
                post += 1
            if use_cache:
                record = trace.step("denoise" if masks_remaining else "post", nb, step, lo, B)
                logits = model(torch.tensor([block]), cache, store=False, block_size=B, key_valid=key_valid[:hi])[0]
            else:
                record = trace.step("denoise" if masks_remaining else "post", nb, step, 0, hi)
                logits = model(torch.tensor([x[:hi]]), None, block_size=B, key_valid=key_valid[:hi])[0, lo:]
            tokens, p, _ = greedy(logits)
            commit: list[int] = []
            if masks_remaining:
                n = schedule[min(step, len(schedule) - 1)]
                conf = torch.where(is_mask, p, torch.full_like(p, -torch.inf))
                trace.margins.threshold(conf, threshold)
                high = (conf > threshold).nonzero()[:, 0].tolist()
                if len(high) >= n:
                    commit = high
                else:
                    ranked = sorted(is_mask.nonzero()[:, 0].tolist(), key=lambda i: (-float(conf[i]), i))
                    k = min(n, len(ranked))
                    trace.margins.ranking(conf[ranked[:k]], conf[ranked[k:]])
                    commit = ranked[:k]
            edit: list[int] = []
            if editing:
                editable = ~is_mask & ~is_prompt
                edit_conf = torch.where(editable, p, torch.full_like(p, -torch.inf))
                trace.margins.threshold(edit_conf, editing_threshold)
                for i in editable.nonzero()[:, 0].tolist():
                    if float(p[i]) > editing_threshold:
                        trace.margins.token(logits[i])         # the "differs" test reads the argmax
                        if int(tokens[i]) != block[i]:
                            edit.append(i)
            for i in sorted(commit):
                trace.margins.token(logits[i])
                x[lo + i] = int(tokens[i])
                record["commits"].append([lo + i, int(tokens[i]), float(p[i])])
            for i in edit:
                x[lo + i] = int(tokens[i])
                record["edits"].append([lo + i, block[i], int(tokens[i]), float(p[i])])
            written = [int(tokens[i]) for i in commit + edit]
            if eos_early_stop and eos_id is not None and eos_id in written:
                finished = _eos_finished(x[:hi], P, eos_id, mask_id)
            if masks_remaining:
                step += 1
            if (finished or (not masks_remaining and (not editing or not edit))
                    or (masks_remaining and step >= steps) or (not masks_remaining and post > max_post_steps)):
                break
        if use_cache:
            trace.step("store", nb, step, lo, B)
            model(torch.tensor([x[lo:hi]]), cache, store=True, block_size=B, key_valid=key_valid[:hi])
        if eos_early_stop and finished:
            break
    return x[P: P + gen_length], trace


def main() -> None:
    from llada2_reference import load_llada2
    ap = argparse.ArgumentParser(description="LLaDA2.x pipeline at temperature 0 with a step trace")
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt-ids", required=True, help="comma-separated token ids")
    ap.add_argument("--mask-id", type=int, default=156895)
    ap.add_argument("--eos-id", type=int, default=156892)
    ap.add_argument("--gen-length", type=int, default=2048)
    ap.add_argument("--block-length", type=int, default=32)
    ap.add_argument("--steps", type=int, default=32, help="num_inference_steps per block")
    ap.add_argument("--threshold", type=float, default=0.7)
    ap.add_argument("--editing-threshold", type=float, default=0.5, help="0 or negative turns editing off")
    ap.add_argument("--max-post-steps", type=int, default=16)
    ap.add_argument("--minimal-topk", type=int, default=1)
    ap.add_argument("--no-eos-early-stop", action="store_true")
    ap.add_argument("--cache", action="store_true", help="exact KV cache instead of recomputing the window")
    a = ap.parse_args()
    ids, trace = llada2_generate(load_llada2(a.model), [int(t) for t in a.prompt_ids.split(",")], a.mask_id,
                                 a.eos_id, a.gen_length, a.block_length, a.steps, a.threshold,
                                 a.editing_threshold, a.max_post_steps, a.minimal_topk,
                                 not a.no_eos_early_stop, a.cache)
    print(json.dumps({"ids": ids, "forwards": trace.forwards, "steps": trace.steps}))


if __name__ == "__main__":
    main()
