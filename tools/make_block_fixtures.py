"""Writes tools/fixtures-block/: tiny block-diffusion checkpoints, their logits, and T=0 decode traces.

    python3 tools/make_block_fixtures.py [--out tools/fixtures-block]     # ~1 min, byte-identical on rerun

For each family (sdar-tiny, fastdllm-v2-tiny, llada2-tiny) the folder holds
    config.json, model.safetensors (bf16)  the official HF layout (block_checkpoints.py)
    logits.safetensors                     ids (I64, T) with mask ids in the last block; full_fp32 (T, V):
                                           one forward of all T ids under the block-causal mask;
                                           step_fp32 (B, V): the last block's logits from a forward against
                                           an exact cache of the first T - B positions (stored, then read)
    expected.json                          mask/eos ids, block size and ids of the logits (again, for
                                           readers without I64), max |full - step| over the last block,
                                           and `decodes`: one entry per setting of the
                                           official loop with the prompt, the ids the loop returns, the
                                           number of forwards and the step trace (block_trace.py)
The prompts are drawn from a seeded generator until every decision of the run clears float noise
(top-1/top-2 logit gap >= 2e-3, probabilities >= 2e-4 from any threshold or rival), no step writes
the mask id (a random model may predict it; the official loops would then re-mask the position), and
no SDAR top-k asks for more positions than there are masks (generate.py would then overwrite a
non-mask position picked by torch.topk's unspecified order among -inf ties).
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from block_checkpoints import EOS_ID, MASK_ID, write_fastdllm_v2, write_llada2, write_sdar  # noqa: E402
from fastdllm_v2_generate import fastdllm_v2_generate  # noqa: E402
from llada2_generate import llada2_generate  # noqa: E402
from sdar_generate import sdar_generate  # noqa: E402

MIN_LOGIT_GAP, MIN_PROB_GAP, TRIES = 2e-3, 2e-4, 40
SPECIALS = 280                       # ids >= 280 are eos/mask-like: prompts use 0..279


def _prompt(name: str, attempt: int, length: int) -> list[int]:
    g = torch.Generator().manual_seed(zlib.crc32(name.encode()) * 100 + attempt)
    return torch.randint(0, SPECIALS, (length,), generator=g).tolist()


def _clean(trace, mask_id: int) -> bool:
    m = trace.margins
    writes = [c[1] for s in trace.steps for c in s["commits"]] + [e[2] for s in trace.steps for e in s["edits"]]
    # SDAR: a top-k wider than the masks left is where generate.py and its evaluation path differ
    overflow = any(s.get("topk_beyond_masks") for s in trace.steps)
    return m.logit_gap >= MIN_LOGIT_GAP and m.prob_gap >= MIN_PROB_GAP and mask_id not in writes and not overflow


def _decode_case(name: str, prompt_length: int, run, mask_id: int, settings: dict, prompt=None) -> dict:
    """prompt given: that prompt only (a stop-token case reuses the prompt whose output holds the token)."""
    for attempt in range(1 if prompt else TRIES):
        tried = prompt or _prompt(name, attempt, prompt_length)
        ids, trace = run(tried)
        if _clean(trace, mask_id):
            return {"name": name, "settings": settings, "prompt": tried, "ids": ids,
                    "forwards": trace.forwards, "margins": trace.margins.as_dict(), "steps": trace.steps}
    raise SystemExit(f"{name}: no prompt clears the float-noise margins")


def _writes(steps: list[dict]) -> list[tuple]:
    """(kind, positions and tokens written) per denoising step; the probabilities differ in float noise."""
    return [(s["kind"], [c[:2] for c in s["commits"]], [e[:3] for e in s["edits"]])
            for s in steps if s["kind"] in ("denoise", "post")]


def _early_stop_token(case: dict) -> int:
    """A token whose commit finishes the LLaDA2 decode: the pipeline checks EOS only on a step that writes
    it, and only the first occurrence counts, which must have no mask before it."""
    P = len(case["prompt"])
    canvas = dict(enumerate(case["prompt"]))
    for s in case["steps"]:
        for pos, tok, _ in s["commits"]:
            canvas[pos] = tok
        for pos, tok, _ in s["commits"]:
            before = [canvas.get(i) for i in range(pos)]
            if pos >= P + 3 and None not in before and tok not in before:
                return tok
    raise SystemExit(f"{case['name']}: no commit could serve as an early-stop EOS")


def _logits(model, folder: Path, mask_id: int, block: int) -> tuple[float, list[int]]:
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(0, SPECIALS, (1, 4 * block), generator=g)
    ids[0, -block + 1::2] = mask_id                        # a block mid-denoising
    full = model(ids, block_size=block)[0]
    cache = model.new_cache()
    model(ids[:, :-block], cache, store=True, block_size=block)
    step = model(ids[:, -block:], cache, store=False, block_size=block)[0]
    save_file({"ids": ids[0].contiguous(), "full_fp32": full.contiguous(), "step_fp32": step.contiguous()},
              str(folder / "logits.safetensors"), metadata={"block_size": str(block)})
    return float((full[-block:] - step).abs().max()), ids[0].tolist()


def _logits_fields(model, folder: Path, mask_id: int, block: int) -> dict:
    gap, ids = _logits(model, folder, mask_id, block)
    return {"logits_ids": ids, "max_abs_full_vs_cached_step": gap}


def _write_expected(folder: Path, body: dict) -> None:
    (folder / "expected.json").write_text(json.dumps(body, separators=(",", ":")) + "\n")


def sdar_fixtures(out: Path) -> None:
    folder = out / "sdar-tiny"
    model = write_sdar(folder)
    mask, eos = MASK_ID["sdar"], EOS_ID["sdar"]
    cases = []
    for name, P, kw in [
        ("static-b4-s4", 7, dict(block_length=4, denoising_steps=4, remasking_strategy="low_confidence_static")),
        ("dynamic-b4-s4-t0.85", 7, dict(block_length=4, denoising_steps=4, remasking_strategy="low_confidence_dynamic",
                                        confidence_threshold=0.85)),
        ("dynamic-b8-s4-t0.6", 9, dict(block_length=8, denoising_steps=4, remasking_strategy="low_confidence_dynamic",
                                       confidence_threshold=0.6)),
        ("sequential-b4-s2", 8, dict(block_length=4, denoising_steps=2, remasking_strategy="sequential")),
        ("entropy-bounded-b4-s4-eb1.0", 6, dict(block_length=4, denoising_steps=4, remasking_strategy="entropy_bounded",
                                                eb_threshold=1.0)),
    ]:
        settings = {"gen_length": 16, **kw}
        cases.append(_decode_case("sdar/" + name, P, lambda p, s=settings: sdar_generate(model, p, mask, **s), mask, settings))
    # a stop id the model does emit: the 6th generated id of the dynamic case, first occurrence
    dyn = cases[1]
    generated = dyn["ids"][len(dyn["prompt"]):]
    stop = next(t for i, t in enumerate(generated) if i >= 5 and t not in dyn["ids"][: len(dyn["prompt"]) + i])
    settings = {**dyn["settings"], "stopping_criteria_idx": [stop]}
    cases.append(_decode_case("sdar/dynamic-b4-s4-t0.85-stop", 7, lambda p: sdar_generate(model, p, mask, **settings),
                              mask, settings, prompt=dyn["prompt"]))
    _write_expected(folder, {"family": "sdar", "mask_token_id": mask, "eos_token_id": eos,
                             "logits_block_size": 4, **_logits_fields(model, folder, mask, 4),
                             "decodes": cases})


def fastdllm_fixtures(out: Path) -> None:
    folder = out / "fastdllm-v2-tiny"
    model = write_fastdllm_v2(folder)
    mask, eos = MASK_ID["fastdllm_v2"], EOS_ID["fastdllm_v2"]
    cases = []
    plain = [
        ("b8-sub4-t0.9-short-prompt", 7, dict(block_size=8, small_block_size=4, threshold=0.9)),
        ("b8-sub8-t0.7-prompt-tail", 13, dict(block_size=8, small_block_size=8, threshold=0.7)),
        ("b8-sub2-t1.0-whole-block-prompt", 16, dict(block_size=8, small_block_size=2, threshold=1.0)),
        ("b8-sub4-t0.9-prompt-equals-block", 8, dict(block_size=8, small_block_size=4, threshold=0.9)),
    ]
    for name, P, kw in plain:
        settings = {"max_new_tokens": 24, "mask_id": mask, "stop_token": eos, **kw}
        cases.append(_decode_case("fastdllm/" + name, P, lambda p, s=settings: fastdllm_v2_generate(model, p, **s),
                                  mask, settings))
    # a stop token the model does emit: the 10th generated id of the first case (first occurrence)
    first = cases[0]
    generated = first["ids"][len(first["prompt"]):]
    stop = next(t for i, t in enumerate(generated) if i >= 9 and t not in generated[:i] and t != mask)
    settings = {"max_new_tokens": 24, "mask_id": mask, "stop_token": stop, **plain[0][2]}
    cases.append(_decode_case("fastdllm/b8-sub4-t0.9-stop", 7, lambda p: fastdllm_v2_generate(model, p, **settings),
                              mask, settings, prompt=first["prompt"]))
    _write_expected(folder, {"family": "fastdllm_v2", "mask_token_id": mask, "eos_token_id": eos,
                             "logits_block_size": 8, **_logits_fields(model, folder, mask, 8),
                             "decodes": cases})


def llada2_fixtures(out: Path) -> None:
    folder = out / "llada2-tiny"
    model = write_llada2(folder)
    mask, eos = MASK_ID["llada2"], EOS_ID["llada2"]
    base = dict(gen_length=24, block_length=8, num_inference_steps=8, eos_early_stop=True)
    cases = []
    for name, P, kw in [
        ("v2.0-t0.7-no-editing", 7, dict(threshold=0.7, editing_threshold=None)),
        ("v2.1-quality-t0.7-e0.5-post16", 7, dict(threshold=0.7, editing_threshold=0.5, max_post_steps=16)),
        ("v2.1-speed-t0.5-no-editing", 8, dict(threshold=0.5, editing_threshold=None)),
        ("s4-t0.95-e0.3-post3", 5, dict(threshold=0.95, editing_threshold=0.3, max_post_steps=3, num_inference_steps=4)),
        ("forced-topk-t1.5-e0.5-gen20", 6, dict(threshold=1.5, editing_threshold=0.5, max_post_steps=16, gen_length=20)),
    ]:
        settings = {**base, **kw}
        run = lambda p, s=settings: llada2_generate(model, p, mask, eos, **s)
        case = _decode_case("llada2/" + name, P, run, mask, settings)
        cached_ids, cached = llada2_generate(model, case["prompt"], mask, eos, **settings, use_cache=True)
        assert cached_ids == case["ids"] and _writes(cached.steps) == _writes(case["steps"]), name
        cases.append(case)
    # EOS early stop with an id the model emits, committed at a step that leaves no mask before it
    stop = _early_stop_token(cases[0])
    settings = {**base, "threshold": 0.7, "editing_threshold": None}
    cases.append(_decode_case("llada2/v2.0-eos-early-stop", 7,
                              lambda p: llada2_generate(model, p, mask, stop, **settings), mask,
                              {**settings, "eos_token_id": stop}, prompt=cases[0]["prompt"]))
    _write_expected(folder, {"family": "llada2", "mask_token_id": mask, "eos_token_id": eos,
                             "logits_block_size": 8, **_logits_fields(model, folder, mask, 8),
                             "decodes": cases})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "fixtures-block")
    args = ap.parse_args()
    torch.set_num_threads(1)                 # the same reduction order on every run
    args.out.mkdir(parents=True, exist_ok=True)
    sdar_fixtures(args.out)
    fastdllm_fixtures(args.out)
    llada2_fixtures(args.out)
    for f in sorted(args.out.rglob("*")):
        if f.is_file():
            print(f"{f.relative_to(args.out)}  {f.stat().st_size} bytes")


if __name__ == "__main__":
    main()
