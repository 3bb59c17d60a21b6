"""Writes the decoder parity fixtures that DecoderTests read (Tests/DecoderTests/Fixtures/).

A small seeded random-weight LLaDA checkpoint (`llada-tiny/`) and `parity.json`: for each case the
token ids and step map that the reference decoding loop below produces at temperature 0. The Swift
decoder must reproduce them exactly.

The loop follows spec DECODING.md ("LLaDA reference decoding", "Parallel decoding rules"), written
from the spec: every step forwards the whole canvas, x0 = argmax(logits) (ties to the lowest id),
statistics come from softmax(logits) in float64, only masks of the current block are candidates,
they are ranked by the order's score, and the parallelism rule takes a prefix of that ranking (at
least one). Committed tokens are never remasked.

  schedule  LLaDA: steps / blocks per block, masks // steps per step, remainder on the first steps
  per_step  k per step
  threshold Fast-dLLM: the prefix with confidence >= tau
  factor    Fast-dLLM: the n-th while confidence >= 1 - f / (n + 1)
  eb        EB-sampler: the largest prefix with sum(H) - max(H) <= gamma

The AR case runs LLaDA's own recipe (block_length 1, steps = gen_length, low_confidence) while
dscope runs `--order ar` over one block, so it also checks that the two are the same decode.

dscope never commits the mask id (LLaDA's loop can, and then the position stays masked; trained
models never predict it, random weights do): the loop below skips it when choosing x0 (statistics
keep the full softmax), and a case is kept only if the mask id never has the top logit in its
block, so that the literal LLaDA loop agrees.

Random weights put many masked positions close together; a case is kept only if every decision
(argmax, ranking boundary, threshold) clears a margin far above float32 noise, so that the Swift
forward's last-bit differences cannot flip it. Prompts are drawn from a seeded generator until a
case qualifies; the smallest margins are written to parity.json.

    python3 tools/make_decoder_fixtures.py [--out Tests/DecoderTests/Fixtures]
        [--cross-check tools/llada_generate.py]   # also compare with another port of the loop
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_reference import LLaDAConfig, LLaDAModel, save_llada  # noqa: E402

SEED = 20251125
LOGIT_GAP = 1e-3      # top-1 minus top-2 logit of every committed position
SCORE_GAP = 1e-4      # ranking scores around a commit boundary; rule thresholds
HEAD_STD = 0.7
PROJECTION_STD = 0.4


def tiny_config() -> LLaDAConfig:
    """GQA (4 query heads over 2 kv heads), embedding padded past the vocabulary like LLaDA-8B."""
    return LLaDAConfig(d_model=48, n_layers=2, n_heads=4, n_kv_heads=2, mlp_hidden_size=96,
                       vocab_size=126, embedding_size=128, max_sequence_length=96, rope_theta=10000.0,
                       rms_norm_eps=1e-5, mask_token_id=127, eos_token_id=125, pad_token_id=125)


def tiny_model(cfg: LLaDAConfig) -> LLaDAModel:
    """Projections N(0, PROJECTION_STD), embeddings N(0, 1), head N(0, HEAD_STD), norms
    1 + N(0, 0.1): masked positions disagree with each other (weaker attention makes every mask
    predict the same token), and threshold 0.9 sometimes commits several tokens, sometimes one."""
    gen = torch.Generator().manual_seed(SEED)
    model = LLaDAModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if p.dim() == 1:
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith("wte.weight"):
                p.copy_(noise)
            elif name == "model.transformer.ff_out.weight":
                p.copy_(HEAD_STD * noise)
            else:
                p.copy_(PROJECTION_STD * noise)
    return model.eval()


# ----------------------------------------------------------------------------------------------
# The reference loop

def scores_of(order: str, p: torch.Tensor, x0: torch.Tensor, positions: list[int]) -> dict[int, float]:
    """Higher commits first. p (T, V) float64 softmax; x0 (T,) candidates."""
    out = {}
    for j in positions:
        row = p[j]
        if order == "confidence":
            out[j] = float(row[x0[j]])
        elif order == "margin":
            top2 = torch.topk(row, 2).values
            out[j] = float(top2[0] - top2[1])
        elif order == "entropy":
            out[j] = float((row * torch.log(row.clamp_min(1e-300))).sum())          # -H
        elif order == "ar":
            out[j] = -float(j)
        else:
            raise ValueError(order)
    return out


def llada_schedule(masks: int, steps: int) -> list[int]:
    """generate.py, get_num_transfer_tokens: masks // steps per step, +1 on the first masks % steps."""
    return [masks // steps + (1 if i < masks % steps else 0) for i in range(steps)]


def commit_count(rule: str, value, ranked: list[int], conf: dict, entropy: dict, gaps: list[float]) -> int:
    """Prefix length for the threshold, factor, eb and per_step rules (at least one)."""
    if rule == "per_step":
        return min(value, len(ranked))
    n = 1
    total, largest = entropy[ranked[0]], entropy[ranked[0]]
    while n < len(ranked):
        j = ranked[n]
        if rule == "threshold":
            bound, x = value, conf[j]
        elif rule == "factor":
            bound, x = 1 - value / (n + 2), conf[j]
        elif rule == "eb":
            total, largest = total + entropy[j], max(largest, entropy[j])
            bound, x = -value, -(total - largest)    # accepted while sum - max <= gamma
        else:
            raise ValueError(rule)
        gaps.append(abs(x - bound))
        if x < bound:
            break
        n += 1
    return n


@torch.no_grad()
def forward(model, canvas: torch.Tensor, prompt_length: int, mask_id: int, cfg_scale: float) -> torch.Tensor:
    logits = model(canvas[None])[0]
    if cfg_scale > 0:
        unconditional = canvas.clone()
        unconditional[:prompt_length] = mask_id
        u = model(unconditional[None])[0]
        logits = u + (cfg_scale + 1) * (logits - u)
    return logits


def reference_decode(model, cfg: LLaDAConfig, prompt: list[int], case: dict) -> dict:
    mask_id, P, L = cfg.mask_token_id, len(prompt), case["gen_length"]
    B = case.get("block_length") or L
    order, rule, value = case["order"], case["rule"], case.get("value")
    canvas = torch.tensor(prompt + [mask_id] * L)
    step_map = [0] * L
    logit_gaps, score_gaps = [], []
    step, mask_wins = 0, False
    for block in range(L // B):
        start, end = P + block * B, P + (block + 1) * B
        schedule = None
        if rule == "schedule":
            schedule = llada_schedule(int((canvas[start:end] == mask_id).sum()), value // (L // B))
            assert min(schedule) > 0, "a step that commits nothing has no counterpart in dscope"
        spent = 0
        while (canvas[start:end] == mask_id).any():
            logits = forward(model, canvas, P, mask_id, case.get("cfg_scale", 0.0))
            if case.get("suppress_eos"):
                logits[:, cfg.eos_token_id] = -torch.inf
            p = torch.softmax(logits.double(), dim=-1)
            mask_wins |= bool((torch.argmax(logits[start:end], dim=-1) == mask_id).any())
            x0 = torch.argmax(logits.index_fill(-1, torch.tensor([mask_id]), -torch.inf), dim=-1)
            candidates = [j for j in range(start, end) if canvas[j] == mask_id]
            score = scores_of(order, p, x0, candidates)
            conf = scores_of("confidence", p, x0, candidates)
            entropy = {j: -h for j, h in scores_of("entropy", p, x0, candidates).items()}
            ranked = sorted(candidates, key=lambda j: (-score[j], j))
            if schedule:
                n = schedule[spent]
            else:
                n = commit_count(rule, value, ranked, conf, entropy, score_gaps)
            if n < len(ranked) and order != "ar":
                score_gaps.append(score[ranked[n - 1]] - score[ranked[n]])
            step += 1
            for j in ranked[:n]:
                top2 = torch.topk(logits[j], 2).values
                logit_gaps.append(float(top2[0] - top2[1]))
                canvas[j] = x0[j]
                step_map[j - P] = step
            spent += 1
    return {"ids": canvas[P:].tolist(), "step_map": step_map,
            "mask_wins": mask_wins,
            "most_per_step": max(step_map.count(s) for s in set(step_map)),
            "min_logit_gap": min(logit_gaps), "min_score_gap": min(score_gaps, default=1.0)}


# The cases the issue asks for (AR, confidence with blocks, margin, entropy, threshold 0.9) and a
# few more rules. `dscope` holds the flags the Swift test passes to its DecodeSettings.
CASES = [
    {"name": "ar", "gen_length": 16, "order": "ar", "rule": "schedule", "value": 16,
     "reference": {"block_length": 1, "order": "confidence"}},
    {"name": "confidence-blocks", "gen_length": 24, "block_length": 8, "order": "confidence", "rule": "schedule", "value": 9},
    {"name": "margin", "gen_length": 16, "order": "margin", "rule": "schedule", "value": 8},
    {"name": "entropy", "gen_length": 16, "block_length": 8, "order": "entropy", "rule": "schedule", "value": 16},
    {"name": "threshold-0.9", "gen_length": 24, "block_length": 8, "order": "confidence", "rule": "threshold", "value": 0.9},
    {"name": "factor-1", "gen_length": 16, "order": "confidence", "rule": "factor", "value": 1.0},
    {"name": "eb-entropy", "gen_length": 16, "block_length": 8, "order": "entropy", "rule": "eb", "value": 0.5},
    {"name": "k2-cfg", "gen_length": 16, "order": "confidence", "rule": "per_step", "value": 2, "cfg_scale": 1.0},
    {"name": "suppress-eos", "gen_length": 12, "order": "confidence", "rule": "schedule", "value": 12, "suppress_eos": True},
]


def qualifying_run(model, cfg, case: dict, gen: torch.Generator) -> tuple[list[int], dict]:
    reference_case = {**case, **case.get("reference", {})}
    for _ in range(200):
        length = int(torch.randint(5, 11, (1,), generator=gen))
        prompt = torch.randint(0, cfg.vocab_size - 1, (length,), generator=gen).tolist()
        result = reference_decode(model, cfg, prompt, reference_case)
        clear = result["min_logit_gap"] >= LOGIT_GAP and result["min_score_gap"] >= SCORE_GAP
        # Parallel rules must show both sides: a step with several commits and one with a single.
        varied = case["rule"] in ("schedule", "per_step") or (
            result["most_per_step"] >= 2 and max(result["step_map"]) > case["gen_length"] // (case.get("block_length") or case["gen_length"]) + 1)
        # Where the mask id never wins, LLaDA's literal loop (which can commit it) picks the same.
        if clear and varied and not result["mask_wins"]:
            if "reference" in case:
                own = reference_decode(model, cfg, prompt, case)
                assert own["ids"] == result["ids"] and own["step_map"] == result["step_map"], case["name"]
            return prompt, result
    raise SystemExit(f"no prompt gives case {case['name']} clear decisions; change SEED or the weights")


def cross_check(path: Path, model, cfg, case: dict, prompt: list[int], result: dict) -> str:
    """Runs another port of the loop (e.g. tools/llada_generate.py) on the same case."""
    spec = importlib.util.spec_from_file_location("other_generate", path)
    other = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(other)
    reference = {**case, **case.get("reference", {})}
    remasking = {"confidence": "low_confidence", "margin": "margin", "entropy": "entropy"}.get(reference["order"])
    L = case["gen_length"]
    if reference["rule"] == "per_step" and not reference.get("block_length") and L % reference["value"] == 0:
        reference = {**reference, "rule": "schedule", "value": L // reference["value"]}   # same decode
    if remasking is None or reference["rule"] not in ("schedule", "threshold", "factor"):
        return "not supported there"
    with torch.no_grad():
        if case.get("suppress_eos"):
            return "not supported there"
        canvas, steps_at = other.generate(
            model, torch.tensor([prompt]), mask_id=cfg.mask_token_id, steps=reference["value"] if reference["rule"] == "schedule" else L,
            gen_length=L, block_length=reference.get("block_length") or L, remasking=remasking,
            threshold=reference["value"] if reference["rule"] == "threshold" else None,
            factor=reference["value"] if reference["rule"] == "factor" else None,
            cfg_scale=case.get("cfg_scale", 0.0), record_steps=True)
    same_ids = canvas[0, len(prompt):].tolist() == result["ids"]
    same_order = [s + 1 for s in steps_at[0].tolist()] == result["step_map"]
    return "agrees" if same_ids and same_order else f"DISAGREES (ids {'same' if same_ids else 'differ'}, step map {'same' if same_order else 'differs'})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("Tests/DecoderTests/Fixtures"))
    ap.add_argument("--cross-check", type=Path, help="another generate-loop module to compare with")
    args = ap.parse_args()
    torch.set_num_threads(1)

    cfg = tiny_config()
    model = tiny_model(cfg)
    save_llada(model, cfg, args.out / "llada-tiny")
    gen = torch.Generator().manual_seed(SEED + 1)
    cases = []
    for case in CASES:
        prompt, result = qualifying_run(model, cfg, case, gen)
        entry = {k: v for k, v in case.items() if k != "reference"}
        entry.update(prompt_ids=prompt, expected_ids=result["ids"], expected_step_map=result["step_map"],
                     min_logit_gap=round(result["min_logit_gap"], 6), min_score_gap=round(result["min_score_gap"], 6))
        if "reference" in case:
            entry["reference"] = case["reference"]
        cases.append(entry)
        note = f", {cross_check(args.cross_check, model, cfg, case, prompt, result)}" if args.cross_check else ""
        print(f"{case['name']:18s} prompt {len(prompt)} ids, steps {max(result['step_map'])}, "
              f"gaps {result['min_logit_gap']:.4f} / {result['min_score_gap']:.5f}{note}")
    head = json.dumps({"checkpoint": "llada-tiny", "generator": "tools/make_decoder_fixtures.py"})[:-1]
    lines = ",\n".join("  " + json.dumps(case) for case in cases)       # one case per line
    (args.out / "parity.json").write_text(f'{head}, "cases": [\n{lines}\n]}}\n')


if __name__ == "__main__":
    main()
