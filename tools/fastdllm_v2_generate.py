"""Fast-dLLM v2 decoding at temperature 0, as the hub modeling.py's `generate` runs it.

Source: Efficient-Large-Model/Fast_dLLM_v2_7B modeling.py `Fast_dLLM_QwenForCausalLM.generate`; the same
loop is NVlabs/Fast-dLLM @af42f511 v2/generation_functions.py `mdm_sample_with_visualization`.
Defaults: generate(threshold=1, small_block_size=8, block_size=32, stop_token=151645, top_p=0.95,
temperature=0); v2/run_chatbot.py calls it with block_size=32, small_block_size=8, threshold=0.9,
max_new_tokens=2048.

    if P > B: prefill ids[: P // B * B] storing K/V (block mask of B);
              if P % B == 0 the last prefill logit gives one token by argmax, appended
    for max_new_tokens // B blocks:
        stop if stop_token occurs in ids[P0:]                       (P0 = original prompt length)
        plen = len(ids); canvas = ids + masks up to the next multiple of B; the block = its last B ids
        loop:
            stop_token in canvas[plen:] with no mask before its first occurrence -> leave the block
            no mask in the block -> forward the block STORING its K/V (block mask of B); append
                                    argmax of its LAST logit (the autoregressive token); next block
            for each sub-block of small_block_size:
                while the sub-block has masks (and the stop rule above does not fire):
                    forward the block against the cache, not stored (the forward's default
                    block_size=32 mask: generate passes none here)
                    logits shifted right by one inside the block: row i reads row i-1, row 0 its own
                    x1 = argmax, p = softmax(x1) over the sub-block; p = -inf at non-masks
                    commit masks with p > threshold, and always the most confident one
    truncate after the first stop_token in ids[P0:]; return ids (prompt included)

Positions come from the cache length (HF cache_position), not from the canvas: with P == B there is no
prefill and the first block (B masks after the prompt) is computed at positions 0..B-1 with the prompt
invisible. That is the official behaviour and it is reproduced here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from block_trace import Trace, first_index, greedy  # noqa: E402

FORWARD_DEFAULT_BLOCK = 32     # Fast_dLLM_QwenForCausalLM.forward(block_size=32) when generate passes none


def _stop_ready(canvas: list[int], plen: int, stop_token: int, mask_id: int) -> bool:
    at = first_index(canvas[plen:], stop_token)
    return at is not None and mask_id not in canvas[plen: plen + at]


@torch.no_grad()
def fastdllm_v2_generate(model, prompt: list[int], max_new_tokens: int, mask_id: int = 151665,
                         threshold: float = 1.0, small_block_size: int = 8, block_size: int = 32,
                         stop_token: int = 151645) -> tuple[list[int], Trace]:
    B = block_size
    if B % small_block_size:
        raise ValueError(f"small_block_size {small_block_size} must divide block_size {B}")
    ids, P0 = list(prompt), len(prompt)
    trace = Trace()
    cache = model.new_cache()
    if P0 > B:
        n = P0 // B * B
        trace.step("prefill", 0, 0, 0, n)
        logits = model(torch.tensor([ids[:n]]), cache, store=True, block_size=B)[0]
        if P0 % B == 0:
            token, prob, _ = greedy(logits[-1])
            trace.margins.token(logits[-1])
            ids.append(int(token))
            trace.steps[-1]["appended"] = [len(ids) - 1, int(token), float(prob)]
    for block_idx in range(max_new_tokens // B):
        if stop_token in ids[P0:]:
            break
        plen = len(ids)
        canvas = ids + [mask_id] * (B - plen % B)
        lo = len(canvas) - B                               # canvas position of the block's first id
        step = 0
        while True:
            if _stop_ready(canvas, plen, stop_token, mask_id):
                break
            if mask_id not in canvas[lo:]:
                record = trace.step("store", lo // B, step, cache.length, B)
                logits = model(torch.tensor([canvas[lo:]]), cache, store=True, block_size=B)[0]
                token, prob, _ = greedy(logits[-1])
                trace.margins.token(logits[-1])
                canvas.append(int(token))
                record["appended"] = [len(canvas) - 1, int(token), float(prob)]
                break
            for sub in range(B // small_block_size):
                start, end = sub * small_block_size, (sub + 1) * small_block_size
                while mask_id in canvas[lo + start: lo + end] and not _stop_ready(canvas, plen, stop_token, mask_id):
                    is_mask = torch.tensor([t == mask_id for t in canvas[lo + start: lo + end]])
                    record = trace.step("denoise", lo // B, step, cache.length, B)
                    step += 1
                    raw = model(torch.tensor([canvas[lo:]]), cache, store=False, block_size=FORWARD_DEFAULT_BLOCK)[0]
                    shifted = torch.cat([raw[:1], raw[:-1]], dim=0)[start:end]       # (small, V)
                    x1, p, _ = greedy(shifted)
                    p = torch.where(is_mask, p, torch.full_like(p, -torch.inf))
                    trace.margins.threshold(p, threshold)
                    unmask = p > threshold
                    unmask[int(p.argmax())] = True                   # argmax: first of equal maxima
                    unmask &= is_mask
                    rivals = p.clone()
                    if start == 0:          # rows 0 and 1 both read logits row 0: an exact tie, first wins
                        rivals[1] = -torch.inf
                    top = rivals.topk(2).values
                    if not (p > threshold).any() and torch.isfinite(top).all():   # the argmax alone decides
                        trace.margins.ranking(top[:1], top[1:])
                    for i in unmask.nonzero()[:, 0].tolist():
                        trace.margins.token(shifted[i])
                        canvas[lo + start + i] = int(x1[i])
                        record["commits"].append([lo + start + i, int(x1[i]), float(p[i])])
        ids = canvas
    at = first_index(ids[P0:], stop_token)
    if at is not None:
        ids = ids[: P0 + at + 1]
    return ids, trace


def main() -> None:
    from fastdllm_v2_reference import load_fastdllm_v2
    ap = argparse.ArgumentParser(description="Fast-dLLM v2 generate at temperature 0 with a step trace")
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompt-ids", required=True, help="comma-separated token ids")
    ap.add_argument("--max-new-tokens", type=int, default=2048)
    ap.add_argument("--mask-id", type=int, default=151665)
    ap.add_argument("--threshold", type=float, default=1.0)
    ap.add_argument("--small-block-size", type=int, default=8)
    ap.add_argument("--block-size", type=int, default=32)
    ap.add_argument("--stop-token", type=int, default=151645)
    a = ap.parse_args()
    ids, trace = fastdllm_v2_generate(load_fastdllm_v2(a.model), [int(t) for t in a.prompt_ids.split(",")],
                                      a.max_new_tokens, a.mask_id, a.threshold, a.small_block_size,
                                      a.block_size, a.stop_token)
    print(json.dumps({"ids": ids, "forwards": trace.forwards, "steps": trace.steps}))


if __name__ == "__main__":
    main()
