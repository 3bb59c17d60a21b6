"""Dream's own decoding loop, `diffusion_generate`, in plain PyTorch on tools/dream_reference.py.

Written from reading the official code (Dream-org/Dream-v0-Instruct-7B, `generation_utils.py`,
`DreamGenerationMixin._sample` and `sample_tokens`; HKUNLP/Dream's README documents the same
arguments), not copied. For batch size 1, no padding (full attention, positions 0..T-1):

    x = prompt + max_new_tokens masks
    timesteps = torch.linspace(1, eps, steps + 1)                 float32
    for i in range(steps):
        logits = model(x); logits = cat(logits[:, :1], logits[:, :-1])   row i-1 predicts position i
        mask_logits = logits[x == mask]; t, s = timesteps[i], timesteps[i + 1]
        origin:  p = 1 - s / t (1 on the last step); each mask draws rand < p, and those that
                 flip take sample_tokens(their logits) (the mask id itself if sampled)
        else:    confidence, x0 = sample_tokens(mask_logits) with
                   maskgit_plus  confidence = max softmax
                   topk_margin   top-1 minus top-2 probability
                   entropy       sum p log(p + 1e-10)  (= -H)
                 k = int(masks * (1 - s / t)), all masks on the last step (float32 arithmetic)
                 if k > 0: the k most confident masks take their x0 (topk, or a softmax(conf /
                 alg_temp) draw when alg_temp > 0); k = 0 commits nothing and the step still ran
    return x

The loop always runs all `steps` forwards, even after the last mask is gone (origin can finish
early). sample_tokens at temperature 0 is the argmax of softmax(logits), the mask id included.

`uniform(step, positions)` replaces origin's `torch.rand` (step 1-based, positions offsets into the
generated part), so a caller can feed another implementation's noise; `on_step(step, before,
after)` sees every step. Used by tools/make_dream_decoder_fixtures.py.

    python3 tools/dream_generate.py --model Tests/DecoderTests/Fixtures/dream-tiny \\
        --prompt-ids 5,9,13 --gen-length 12 --steps 12 --alg maskgit_plus
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Optional

import torch
import torch.distributions as dists
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dream_reference import load_dream  # noqa: E402

ALGS = ("origin", "maskgit_plus", "topk_margin", "entropy")


def top_p_logits(logits: torch.Tensor, top_p: float) -> torch.Tensor:
    """Keeps the smallest set of tokens whose probability reaches top_p (the first always)."""
    sorted_logits, sorted_ids = torch.sort(logits, descending=True)
    cumulative = torch.cumsum(F.softmax(sorted_logits, dim=-1), dim=-1)
    remove = cumulative > top_p
    remove[..., 1:] = remove[..., :-1].clone()
    remove[..., 0] = False
    mask = torch.zeros_like(logits, dtype=torch.bool).scatter_(-1, sorted_ids, remove)
    return logits.masked_fill(mask, torch.finfo(logits.dtype).min)


def top_k_logits(logits: torch.Tensor, top_k: int) -> torch.Tensor:
    top_k = min(top_k, logits.size(-1))
    below = logits < torch.topk(logits, top_k)[0][..., -1, None]
    return logits.masked_fill(below, torch.finfo(logits.dtype).min)


def sample_tokens(logits: torch.Tensor, temperature: float = 0.0, top_p: Optional[float] = None,
                  top_k: Optional[int] = None, margin_confidence: bool = False,
                  neg_entropy: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(N, V) logits -> (confidence (N,), x0 (N,)) as Dream's sample_tokens computes them."""
    if temperature > 0:
        logits = logits / temperature
    if top_p is not None and top_p < 1:
        logits = top_p_logits(logits, top_p)
    if top_k is not None:
        logits = top_k_logits(logits, top_k)
    probs = torch.softmax(logits, dim=-1)
    if temperature > 0:
        x0 = dists.Categorical(probs=probs).sample()
        confidence = torch.gather(probs, -1, x0.unsqueeze(-1)).squeeze(-1)
    else:
        confidence, x0 = probs.max(dim=-1)
    if margin_confidence:
        sorted_probs, _ = torch.sort(probs, dim=-1, descending=True)
        confidence = sorted_probs[:, 0] - sorted_probs[:, 1]
    if neg_entropy:
        confidence = torch.sum(probs * torch.log(probs + 1e-10), dim=-1)
    return confidence, x0


@torch.no_grad()
def diffusion_generate(model, prompt: torch.Tensor, *, mask_token_id: int, max_new_tokens: int, steps: int,
                       eps: float = 1e-3, alg: str = "origin", alg_temp: Optional[float] = None,
                       temperature: float = 0.0, top_p: Optional[float] = None, top_k: Optional[int] = None,
                       uniform: Optional[Callable[[int, torch.Tensor], torch.Tensor]] = None,
                       on_step: Optional[Callable[[int, torch.Tensor, torch.Tensor, torch.Tensor], None]] = None
                       ) -> torch.Tensor:
    """prompt (P,) long -> canvas (P + max_new_tokens,). on_step(step, before, after, logits)."""
    if alg not in ALGS:
        raise ValueError(f"unknown alg {alg}")
    P = prompt.shape[0]
    x = torch.cat([prompt, torch.full((max_new_tokens,), mask_token_id, dtype=torch.long)])[None]   # (1, T)
    timesteps = torch.linspace(1, eps, steps + 1)
    for i in range(steps):
        before = x.clone()
        mask_index = x == mask_token_id                                        # (1, T)
        logits = model(x)
        logits = torch.cat([logits[:, :1], logits[:, :-1]], dim=1)             # row i-1 predicts i
        mask_logits = logits[mask_index]                                       # (M, V)
        t, s = timesteps[i], timesteps[i + 1]
        if alg == "origin":
            p_transfer = 1 - s / t if i < steps - 1 else 1
            x0 = torch.full_like(x[mask_index], mask_token_id)
            masked_positions = mask_index[0].nonzero().squeeze(-1) - P
            draws = uniform(i + 1, masked_positions) if uniform else torch.rand(x0.shape)
            transfer = draws < p_transfer
            if transfer.any():
                _, x0[transfer] = sample_tokens(mask_logits[transfer], temperature=temperature,
                                                top_p=top_p, top_k=top_k)
            x[mask_index] = x0.clone()
        else:
            confidence, x0 = sample_tokens(mask_logits, temperature=temperature, top_p=top_p, top_k=top_k,
                                           margin_confidence=alg == "topk_margin",
                                           neg_entropy=alg == "entropy")
            num_mask_token = mask_index.sum() / mask_index.shape[0]
            k = int(num_mask_token * (1 - s / t)) if i < steps - 1 else int(num_mask_token)
            full_confidence = torch.full_like(x, -torch.inf, dtype=logits.dtype)
            full_confidence[mask_index] = confidence
            if k > 0:
                if alg_temp is None or alg_temp == 0:
                    _, transfer_index = torch.topk(full_confidence, k)
                else:
                    weights = F.softmax(full_confidence / alg_temp, dim=-1)
                    transfer_index = torch.multinomial(weights, num_samples=k)
                x_ = torch.full_like(x, mask_token_id)
                x_[mask_index] = x0.clone()
                rows = torch.arange(x.size(0)).unsqueeze(1).expand_as(transfer_index)
                x[rows, transfer_index] = x_[rows, transfer_index]
        if on_step:
            on_step(i + 1, before[0], x[0].clone(), logits[0])
    return x[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--prompt-ids", required=True)
    parser.add_argument("--gen-length", type=int, default=16)
    parser.add_argument("--steps", type=int, default=16)
    parser.add_argument("--alg", choices=ALGS, default="maskgit_plus")
    parser.add_argument("--temperature", type=float, default=0.0)
    args = parser.parse_args()
    cfg, model = load_dream(args.model)
    prompt = torch.tensor([int(v) for v in args.prompt_ids.split(",")])
    step_map = [0] * args.gen_length

    def record(step, before, after, _logits):
        for j in range(args.gen_length):
            if before[prompt.shape[0] + j] != after[prompt.shape[0] + j]:
                step_map[j] = step

    out = diffusion_generate(model, prompt, mask_token_id=cfg.mask_token_id, max_new_tokens=args.gen_length,
                             steps=args.steps, alg=args.alg, temperature=args.temperature, on_step=record)
    print("ids", out[prompt.shape[0]:].tolist())
    print("step_map", step_map)


if __name__ == "__main__":
    main()
