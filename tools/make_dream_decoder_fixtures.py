"""Writes the Dream decoding parity fixtures that DecoderTests read (Tests/DecoderTests/Fixtures/).

A small seeded random-weight Dream checkpoint (`dream-tiny/`, Hugging Face layout, BF16) and
`dream-parity.json`: for each case the token ids and step map that Dream's own loop
(tools/dream_generate.py, a reimplementation of the official `diffusion_generate`) produces at
temperature 0. dscope, decoding with `--timesteps N` and the matching order, must reproduce them
exactly, including the steps that commit nothing (steps = generation length makes step 1 floor to
zero commits; steps > generation length leaves many steps empty).

    maskgit_plus -> --order confidence     topk_margin -> margin     entropy -> entropy
    origin       -> --order origin: each mask flips when u < 1 - s/t; u is dscope's own noise
                    (tools/noise_streams.py, purpose ORDR, u_0 of (step, position)) fed to the
                    official loop in place of torch.rand, so the flips are compared exactly.

Where the two may legitimately differ, a case is not kept: Dream can commit the mask id (random
weights predict it; dscope never does), so the mask id must never have the top logit of a masked
row; and every decision (each masked row's argmax, the ranking boundary of a step) must clear a
margin far above float32 noise, so that the Swift forward's last-bit differences cannot flip it.
Prompts are drawn from a seeded generator until a case qualifies; the smallest margins are written
to the JSON. Dream's loop keeps running its remaining steps after origin has filled the canvas;
dscope stops there: the step maps are the same.

    python3 tools/make_dream_decoder_fixtures.py [--out Tests/DecoderTests/Fixtures]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dream_generate import diffusion_generate  # noqa: E402
from dream_reference import DreamConfig, DreamModel, load_dream, save_dream  # noqa: E402
from noise_streams import ORDER, uniform  # noqa: E402

SEED = 20251205
LOGIT_GAP = 1e-3      # top-1 minus top-2 logit of every masked row
SCORE_GAP = 1e-4      # ranking scores either side of a step's commit boundary
ORDERS = {"maskgit_plus": "confidence", "topk_margin": "margin", "entropy": "entropy", "origin": "origin"}
# (alg, generation length, steps): steps = length (Dream's usual setting) and steps > length.
CASES = [(alg, 12, steps) for alg in ORDERS for steps in (12, 20)] + [("maskgit_plus", 16, 8)]


def tiny_config() -> DreamConfig:
    """GQA (4 query heads over 2 kv heads); mask, EOS and BOS at the top of the vocabulary."""
    return DreamConfig(hidden_size=48, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                       num_key_value_heads=2, vocab_size=128, max_position_embeddings=96, rope_theta=10000.0,
                       rms_norm_eps=1e-6, mask_token_id=127, pad_token_id=126, bos_token_id=125, eos_token_id=126)


def tiny_model(cfg: DreamConfig) -> DreamModel:
    """Projections N(0, 0.4), biases N(0, 0.1), embeddings N(0, 1), head N(0, 0.7), norms 1 + N(0, 0.1):
    masked rows disagree with each other, so the orders rank them differently."""
    gen = torch.Generator().manual_seed(SEED)
    model = DreamModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith("bias"):
                p.copy_(0.1 * noise)
            elif name.endswith("embed_tokens.weight"):
                p.copy_(noise)
            elif name == "lm_head.weight":
                p.copy_(0.7 * noise)
            else:
                p.copy_(0.4 * noise)
    return model.eval()


class Unstable(Exception):
    pass


def run_case(model, cfg: DreamConfig, alg: str, length: int, steps: int, prompt: torch.Tensor, seed: int) -> dict:
    P = prompt.shape[0]
    step_map = [0] * length
    gaps = {"logit": float("inf"), "score": float("inf")}
    idle = []
    schedule = torch.linspace(1, 1e-3, steps + 1)

    def draws(step, positions):
        return torch.tensor([uniform(seed, ORDER, step, int(j)) for j in positions], dtype=torch.float64)

    def check(step, before, after, logits):
        masked = (before == cfg.mask_token_id).nonzero().squeeze(-1)
        if masked.numel() == 0:
            return
        rows = logits[masked].double()                                         # (M, V)
        top2 = torch.topk(rows, 2, dim=-1)
        if (top2.indices[:, 0] == cfg.mask_token_id).any():
            raise Unstable("the mask id has the top logit")
        gaps["logit"] = min(gaps["logit"], float((top2.values[:, 0] - top2.values[:, 1]).min()))
        changed = [int(c) - P for c in masked if after[c] != before[c]]
        for j in changed:
            step_map[j] = step
        if not changed:
            idle.append(step)
        if alg != "origin" and 0 < len(changed) < masked.numel():
            probs = torch.softmax(logits[masked].float(), dim=-1)
            if alg == "maskgit_plus":
                score = probs.max(dim=-1).values
            elif alg == "topk_margin":
                s = torch.sort(probs, dim=-1, descending=True).values
                score = s[:, 0] - s[:, 1]
            else:
                score = torch.sum(probs * torch.log(probs + 1e-10), dim=-1)
            ordered = torch.sort(score.double(), descending=True).values
            k = len(changed)
            gaps["score"] = min(gaps["score"], float(ordered[k - 1] - ordered[k]))
        if alg == "origin" and step < steps:
            p = float(1 - schedule[step] / schedule[step - 1])
            for j in masked.tolist():
                gaps["score"] = min(gaps["score"], abs(uniform(seed, ORDER, step, j - P) - p))

    out = diffusion_generate(model, prompt, mask_token_id=cfg.mask_token_id, max_new_tokens=length, steps=steps,
                             alg=alg, uniform=draws if alg == "origin" else None, on_step=check)
    if gaps["logit"] < LOGIT_GAP or gaps["score"] < SCORE_GAP:
        raise Unstable(f"margins {gaps}")
    ids = out[P:].tolist()
    if cfg.mask_token_id in ids or 0 in step_map:
        raise Unstable("a position stayed masked")
    last = max(step_map)
    return {"gen_length": length, "steps": steps, "alg": alg, "order": ORDERS[alg], "seed": seed,
            "prompt_ids": prompt.tolist(), "expected_ids": ids, "expected_step_map": step_map,
            "idle_steps": [s for s in idle if s <= last],
            "min_logit_gap": round(gaps["logit"], 6),
            "min_score_gap": round(gaps["score"], 6) if gaps["score"] != float("inf") else None}


def main() -> None:
    default_out = Path(__file__).resolve().parent.parent / "Tests" / "DecoderTests" / "Fixtures"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    torch.set_num_threads(1)

    cfg = tiny_config()
    folder = args.out / "dream-tiny"
    save_dream(tiny_model(cfg), folder, dtype=torch.bfloat16)
    _, model = load_dream(folder)             # the stored BF16 values, run in fp32
    gen = torch.Generator().manual_seed(SEED)
    cases = []
    for alg, length, steps in CASES:
        for attempt in range(500):
            prompt = torch.randint(0, cfg.vocab_size - 3, (int(torch.randint(3, 9, (1,), generator=gen)),), generator=gen)
            seed = int(torch.randint(0, 2**31, (1,), generator=gen))
            try:
                case = run_case(model, cfg, alg, length, steps, prompt, seed)
            except Unstable:
                continue
            name = f"{ORDERS[alg]}-len{length}-steps{steps}"
            cases.append({"name": name, **case})
            print(f"  {name}: prompt {len(prompt)} ids after {attempt + 1} draws, idle steps {case['idle_steps']}, "
                  f"gaps {case['min_logit_gap']} / {case['min_score_gap']}")
            break
        else:
            raise SystemExit(f"no stable prompt for {alg} {length} {steps}")
    lines = ",\n".join("  " + json.dumps(c) for c in cases)
    (args.out / "dream-parity.json").write_text(
        '{"checkpoint": "dream-tiny", "generator": "tools/make_dream_decoder_fixtures.py", "cases": [\n' + lines + "\n]}\n")


if __name__ == "__main__":
    main()
