"""PyTorch reference of LLaDA's masked-diffusion decoding loop (spec DECODING.md, "LLaDA reference decoding").

Follows the structure of ML-GSAI/LLaDA `generate.py` (written from the spec, not copied) and is the
parity reference for the Swift decoder:

    canvas = prompt + gen_length masks, split into gen_length / block_length blocks
    per block, per step:
        logits = model(canvas)                          whole canvas, future blocks still masked
        x0 = argmax(logits)                             T = 0; T > 0: argmax(exp(l) / (-log u)^T) in float64
        score = order(logits, x0)                       confidence / margin / -entropy / random
        score = -inf outside the current block and at positions already decoded
        commit the k best (LLaDA schedule), or every score >= threshold (Fast-dLLM, at least one),
        or the n-th best while score_n >= 1 - factor / (n + 1) (Fast-dLLM factor, at least one)

Committed tokens are never remasked. AR order (JustGRPO) is block_length 1 and steps = gen_length.

    python tools/llada_generate.py --model Sources/Models/Resources/tiny-arith \\
        --prompt "Sam has 12 apples. He buys 7 more apples. How many apples does Sam have now?"
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Optional

import torch
import torch.nn.functional as F

ORDERS = ("low_confidence", "random", "margin", "entropy")


# ----------------------------------------------------------------------------------------------
# Schedule and sampling

def num_transfer_tokens(block_masked: torch.Tensor, steps: int) -> torch.Tensor:
    """(B, steps) long: how many tokens each step of a block commits.

    block_masked (B, block_length) bool. masked // steps at every step, and the remainder adds one
    to each of the first steps (LLaDA's get_num_transfer_tokens).
    """
    masked = block_masked.sum(dim=1, keepdim=True)                          # (B, 1)
    base = masked // steps
    remainder = masked % steps                                              # (B, 1)
    step_index = torch.arange(steps, device=block_masked.device)[None, :]   # (1, steps)
    return base + (step_index < remainder).long()                           # (B, steps)


def add_gumbel_noise(logits: torch.Tensor, temperature: float,
                     generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """Scores whose argmax is an exact sample of softmax(logits / T) (Gumbel-max), in float64.

    exp(l) / (-log u)^T has the same argmax as l / T + Gumbel noise; float64 because low precision
    here measurably hurts sample quality (LLaDA's note). T = 0 returns the logits unchanged (argmax).
    """
    if temperature == 0:
        return logits
    logits = logits.to(torch.float64)
    u = torch.rand(logits.shape, dtype=torch.float64, device=logits.device, generator=generator)
    return logits.exp() / (-torch.log(u)) ** temperature


def order_scores(logits: torch.Tensor, x0: torch.Tensor, order: str,
                 generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """(B, L) float64 score per position; higher commits first.

    low_confidence: softmax(raw logits)[x0] (LLaDA); random: uniform (LLaDA); margin: p1 - p2
    (Dream's topk_margin); entropy: -H in nats (Dream's entropy order).
    """
    if order == "random":
        return torch.rand(x0.shape, dtype=torch.float64, device=x0.device, generator=generator)
    p = F.softmax(logits.to(torch.float64), dim=-1)                          # (B, L, V)
    if order == "low_confidence":
        return torch.gather(p, -1, x0[..., None]).squeeze(-1)
    if order == "margin":
        top2 = torch.topk(p, 2, dim=-1).values
        return top2[..., 0] - top2[..., 1]
    if order == "entropy":
        return (p * torch.log(p.clamp_min(1e-300))).sum(dim=-1)              # -H
    raise ValueError(f"unknown order {order!r}; expected one of {ORDERS}")


def select_commits(score: torch.Tensor, k: torch.Tensor, threshold: Optional[float],
                   factor: Optional[float]) -> torch.Tensor:
    """(B, L) bool: the positions to commit this step.

    score (B, L) with -inf where nothing may be committed. Fixed k: the k best. Threshold τ: every
    score >= τ, and the best one always. Factor f: the n-th best (n = 1, 2, ...) while
    score_n >= 1 - f / (n + 1), the best one always.
    """
    commit = torch.zeros_like(score, dtype=torch.bool)
    for row in range(score.shape[0]):
        candidates = int(torch.isfinite(score[row]).sum())
        if candidates == 0:
            continue
        if threshold is None and factor is None:
            count = min(int(k[row]), candidates)
            if count == 0:
                continue
            chosen = torch.topk(score[row], count).indices
        else:
            ranked = torch.topk(score[row], candidates)
            n = torch.arange(1, candidates + 1, device=score.device, dtype=torch.float64)
            if threshold is not None:
                accept = ranked.values >= threshold
            else:
                accept = ranked.values >= 1.0 - factor / (n + 1.0)
            accept[0] = True
            chosen = ranked.indices[accept]
        commit[row, chosen] = True
    return commit


# ----------------------------------------------------------------------------------------------
# The decoding loop

@torch.no_grad()
def generate(model, prompt: torch.Tensor, *, mask_id: int, steps: int = 128, gen_length: int = 128,
             block_length: int = 128, temperature: float = 0.0, remasking: str = "low_confidence",
             threshold: Optional[float] = None, factor: Optional[float] = None, cfg_scale: float = 0.0,
             generator: Optional[torch.Generator] = None, record_steps: bool = False):
    """Decodes `gen_length` tokens after `prompt` (B, P) long; every row has the same prompt length.

    Returns the canvas (B, P + gen_length); with record_steps also a (B, gen_length) long tensor of
    the step (0-based, counted over the whole decode) at which each position was committed.
    With threshold or factor a block is decoded until it has no mask left and `steps` is unused.
    """
    if remasking not in ORDERS:
        raise ValueError(f"unknown remasking {remasking!r}; expected one of {ORDERS}")
    if gen_length % block_length != 0:
        raise ValueError(f"gen_length {gen_length} is not a multiple of block_length {block_length}")
    num_blocks = gen_length // block_length
    parallel = threshold is not None or factor is not None
    if not parallel and steps % num_blocks != 0:
        raise ValueError(f"steps {steps} is not a multiple of the number of blocks {num_blocks}")
    steps_per_block = steps // num_blocks if not parallel else 0

    B, P = prompt.shape
    canvas = torch.full((B, P + gen_length), mask_id, dtype=torch.long, device=prompt.device)
    canvas[:, :P] = prompt
    prompt_positions = canvas != mask_id
    commit_step = torch.full((B, gen_length), -1, dtype=torch.long, device=prompt.device)
    step = 0

    for block in range(num_blocks):
        start, end = P + block * block_length, P + (block + 1) * block_length
        if parallel:
            schedule = None
        else:
            schedule = num_transfer_tokens(canvas[:, start:end] == mask_id, steps_per_block)
        i = 0
        while True:
            if parallel:
                if not (canvas[:, start:end] == mask_id).any():
                    break
            elif i == steps_per_block:
                break
            masked = canvas == mask_id                                       # (B, L)
            logits = forward_logits(model, canvas, prompt_positions, mask_id, cfg_scale)
            x0 = torch.argmax(add_gumbel_noise(logits, temperature, generator), dim=-1)  # (B, L)
            score = order_scores(logits, x0, remasking, generator)
            score[:, end:] = -torch.inf
            x0 = torch.where(masked, x0, canvas)
            score = torch.where(masked, score, torch.full_like(score, -torch.inf))
            k = schedule[:, i] if schedule is not None else None
            commit = select_commits(score, k, threshold, factor)
            canvas[commit] = x0[commit]
            commit_step[commit[:, P:]] = step
            step += 1
            i += 1

    if record_steps:
        return canvas, commit_step
    return canvas


def forward_logits(model, canvas: torch.Tensor, prompt_positions: torch.Tensor, mask_id: int,
                   cfg_scale: float) -> torch.Tensor:
    """Logits of the canvas; with cfg_scale > 0, classifier-free guidance u + (s + 1)(c - u)
    where u is the same canvas with the prompt masked (LLaDA)."""
    if cfg_scale <= 0:
        return model(canvas)
    unconditional = canvas.clone()
    unconditional[prompt_positions] = mask_id
    both = model(torch.cat([canvas, unconditional], dim=0))
    cond, uncond = both.chunk(2, dim=0)
    return uncond + (cfg_scale + 1) * (cond - uncond)


# ----------------------------------------------------------------------------------------------
# Convenience: the two orders the project compares, one token per step

def decode_ar(model, prompt: torch.Tensor, *, mask_id: int, gen_length: int) -> torch.Tensor:
    """Autoregressive order (JustGRPO): block_length 1, one token per step, leftmost mask first."""
    return generate(model, prompt, mask_id=mask_id, steps=gen_length, gen_length=gen_length,
                    block_length=1)


def decode_confidence(model, prompt: torch.Tensor, *, mask_id: int, gen_length: int) -> torch.Tensor:
    """Arbitrary (confidence) order: the whole answer one block, one token per step."""
    return generate(model, prompt, mask_id=mask_id, steps=gen_length, gen_length=gen_length,
                    block_length=gen_length)


# ----------------------------------------------------------------------------------------------
# Command line

def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from llada_reference import load_llada
    from tokenizers import Tokenizer

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", type=Path, required=True, help="Hugging Face folder (config.json, *.safetensors, tokenizer.json)")
    ap.add_argument("--prompt", required=True, help="the question; the chat template is applied")
    ap.add_argument("--gen-length", type=int, default=None, help="default: the model's generation_config gen_length, else 128")
    ap.add_argument("--steps", type=int, default=None, help="default: gen_length (one token per step)")
    ap.add_argument("--block-length", type=int, default=None, help="default: gen_length (one block); 1 = AR order")
    ap.add_argument("--temperature", type=float, default=0.0)
    ap.add_argument("--remasking", choices=ORDERS, default="low_confidence")
    ap.add_argument("--threshold", type=float, default=None, help="Fast-dLLM confidence threshold")
    ap.add_argument("--factor", type=float, default=None, help="Fast-dLLM factor")
    ap.add_argument("--cfg-scale", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--show-order", action="store_true", help="also print the step at which each token was committed")
    args = ap.parse_args()

    cfg, model = load_llada(args.model)
    tokenizer = Tokenizer.from_file(str(args.model / "tokenizer.json"))
    text = render_chat(args.model, args.prompt)
    prompt = torch.tensor([tokenizer.encode(text, add_special_tokens=False).ids])
    gen_length = args.gen_length or default_gen_length(args.model)
    torch.manual_seed(args.seed)
    canvas, steps_at = generate(
        model, prompt, mask_id=cfg.mask_token_id, steps=args.steps or gen_length, gen_length=gen_length,
        block_length=args.block_length or gen_length, temperature=args.temperature,
        remasking=args.remasking, threshold=args.threshold, factor=args.factor,
        cfg_scale=args.cfg_scale, record_steps=True)
    answer = canvas[0, prompt.shape[1]:].tolist()
    print(tokenizer.decode(answer, skip_special_tokens=True))
    if args.show_order:
        for token, s in zip(answer, steps_at[0].tolist()):
            print(f"{s:4d}  {tokenizer.id_to_token(token)!r}")


def render_chat(model_folder: Path, question: str) -> str:
    """Single-turn rendering of the LLaDA chat template (spec DECODING.md) with the model's BOS."""
    config = json.loads((model_folder / "tokenizer_config.json").read_text())
    bos = config.get("bos_token", "<|startoftext|>")
    bos = bos["content"] if isinstance(bos, dict) else bos
    return (f"{bos}<|start_header_id|>user<|end_header_id|>\n\n{question.strip()}<|eot_id|>"
            f"<|start_header_id|>assistant<|end_header_id|>\n\n")


def default_gen_length(model_folder: Path) -> int:
    path = model_folder / "generation_config.json"
    if path.exists():
        return int(json.loads(path.read_text()).get("gen_length", 128))
    return 128


if __name__ == "__main__":
    main()
