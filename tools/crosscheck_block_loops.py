"""Runs the OFFICIAL generate loops on the fixture checkpoints and compares them with expected.json.

Two parts, because the official code needs two incompatible environments:

  sdar-fastdllm   transformers 4.53.x (see crosscheck_block_official.py; put JetAstra/SDAR @c2041a83
                  generate.py into OFFICIAL/sdar/ too):
                  /tmp/tfenv/bin/python tools/crosscheck_block_loops.py sdar-fastdllm --official OFFICIAL
      Fast-dLLM v2: the official model's own `generate` (hub modeling.py) with the fixture settings.
      SDAR: generate.py's `block_diffusion_generate`, run on the official SDAR model, with ONE change:
      its sampler `sample_with_temperature_topk_topp` is replaced by the temperature-0 rule of the
      evaluation path (x0 = argmax, p = softmax(x0)), since generate.py cannot run at temperature 0.
      generate.py hands the model a (1, L, L) mask; the dLLM-RL model wants it 4D, so the adapter adds
      the head axis. entropy_bounded is expected to raise UnboundLocalError (see sdar_generate.py).

  llada2          diffusers at or after 58eb52c0 (its source tree on PYTHONPATH and a current
                  huggingface_hub, Pillow, httpx in a venv without transformers 4.53):
                  PYTHONPATH=DIFFUSERS/src /tmp/dfenv/bin/python tools/crosscheck_block_loops.py llada2
      diffusers' LLaDA2Pipeline + BlockRefinementScheduler, unmodified, driving OUR LLaDA2 reference
      (equal to dInfer's model within 1e-5, crosscheck_block_official.py). The pipeline passes a 2D
      padding mask; the adapter turns it into the block-causal mask plus those padding keys. Per-step
      commits and edits are compared through the pipeline's callback.

Every compared id must match exactly, and the number of forwards too.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import tempfile
from pathlib import Path

import torch
import torch.nn as nn

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def _load(fixtures: Path, family: str) -> dict:
    return json.loads((fixtures / family / "expected.json").read_text())


def _verdict(name: str, ok: bool, detail: str = "") -> bool:
    print(f"  {'ok  ' if ok else 'FAIL'} {name} {detail}")
    return ok


# ------------------------------------------------------------------------------------------------
# LLaDA2: diffusers pipeline

def check_llada2(fixtures: Path) -> bool:
    from diffusers import BlockRefinementScheduler, LLaDA2Pipeline
    from llada2_reference import load_llada2

    expected = _load(fixtures, "llada2-tiny")
    ours = load_llada2(fixtures / "llada2-tiny")

    class Adapter(nn.Module):
        def __init__(self, block: int):
            super().__init__()
            self.anchor = nn.Parameter(torch.zeros(1))          # gives the pipeline a device
            self.block, self.forwards = block, 0

        dtype = property(lambda self: torch.float32)           # what DiffusionPipeline asks of a model
        device = property(lambda self: self.anchor.device)

        def forward(self, input_ids, attention_mask=None, position_ids=None, **_):
            assert torch.equal(position_ids[0], torch.arange(input_ids.shape[1]))
            self.forwards += 1
            logits = ours(input_ids, block_size=self.block, key_valid=attention_mask[0].bool())
            return type("Out", (), {"logits": logits})()

    all_ok = True
    print("llada2 (diffusers LLaDA2Pipeline):")
    for case in expected["decodes"]:
        s = case["settings"]
        model = Adapter(s["block_length"])
        pipe = LLaDA2Pipeline(model=model, scheduler=BlockRefinementScheduler(), tokenizer=None).to("cpu")
        pipe.set_progress_bar_config(disable=True)
        seen = []

        def on_step(p, step, timestep, kw):
            seen.append((kw["transfer_index"][0].nonzero()[:, 0].tolist(),
                         kw["editing_transfer_index"][0].nonzero()[:, 0].tolist(),
                         kw["sampled_tokens"][0].tolist()))
            return {}

        out = pipe(input_ids=torch.tensor([case["prompt"]]), use_chat_template=False, gen_length=s["gen_length"],
                   block_length=s["block_length"], num_inference_steps=s["num_inference_steps"], temperature=0.0,
                   threshold=s["threshold"], editing_threshold=s["editing_threshold"],
                   max_post_steps=s.get("max_post_steps", 16), minimal_topk=1, eos_early_stop=s["eos_early_stop"],
                   eos_token_id=s.get("eos_token_id", expected["eos_token_id"]),
                   mask_token_id=expected["mask_token_id"], output_type="seq",
                   callback_on_step_end=on_step,
                   callback_on_step_end_tensor_inputs=["transfer_index", "editing_transfer_index", "sampled_tokens"])
        B = s["block_length"]
        ours_steps = [(sorted(c[0] - st["block"] * B for c in st["commits"]),
                       sorted(e[0] - st["block"] * B for e in st["edits"]),
                       {c[0] - st["block"] * B: c[1] for c in st["commits"] + [[e[0], e[2]] for e in st["edits"]]})
                      for st in case["steps"]]
        steps_ok = len(seen) == len(ours_steps) and all(
            o[0] == c and o[1] == e and all(tok[i] == t for i, t in o[2].items())
            for o, (c, e, tok) in zip(ours_steps, seen))
        ok = out.sequences[0].tolist() == case["ids"] and steps_ok and model.forwards == case["forwards"]
        all_ok &= _verdict(case["name"], ok, f"(ids, {len(seen)} steps' commits/edits, {model.forwards} forwards)")
    return all_ok


# ------------------------------------------------------------------------------------------------
# SDAR generate.py and Fast-dLLM v2 generate, on the official models

def _official_sdar_generate(path: Path):
    """generate.py's block_diffusion_generate and helpers, compiled from its source with the greedy sampler."""
    from transformers.cache_utils import DynamicCache
    tree = ast.parse(path.read_text())
    keep = {"get_num_transfer_tokens", "block_diffusion_generate"}
    body = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in keep]
    namespace = {"torch": torch, "F": torch.nn.functional, "DynamicCache": DynamicCache}

    def greedy_sampler(logits, temperature=1.0, top_k=0, top_p=1.0):
        probs = torch.softmax(logits.float(), dim=-1)
        token = logits.argmax(dim=-1)
        return token, probs.gather(-1, token[..., None])[..., 0]

    namespace["sample_with_temperature_topk_topp"] = greedy_sampler
    exec(compile(ast.Module(body=body, type_ignores=[]), str(path), "exec"), namespace)
    return namespace["block_diffusion_generate"]


def check_sdar_fastdllm(fixtures: Path, official: Path) -> bool:
    import crosscheck_block_official as cbo
    cbo._install_stubs()
    all_ok = True
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        sys.path.insert(0, str(tmp))
        import importlib
        from hf_folder import read_tensors

        print("fast-dllm v2 (hub modeling.py generate):")
        cbo._import_package(official, "fastdllm_v2", "fastdllm_official", ["configuration.py", "modeling.py"], tmp)
        mod = importlib.import_module("fastdllm_official.modeling")
        cfg_mod = importlib.import_module("fastdllm_official.configuration")
        folder = fixtures / "fastdllm-v2-tiny"
        config = cfg_mod.Fast_dLLM_QwenConfig.from_pretrained(folder)
        config._attn_implementation = "sdpa"
        off = mod.Fast_dLLM_QwenForCausalLM(config).eval()
        off.load_state_dict(read_tensors(folder), strict=True)
        counter = {"n": 0}
        original = off.forward

        def counted(*a, **k):
            counter["n"] += 1
            return original(*a, **k)

        off.forward = counted
        for case in _load(fixtures, "fastdllm-v2-tiny")["decodes"]:
            s = case["settings"]
            counter["n"] = 0
            ids = off.generate(torch.tensor([case["prompt"]]), max_new_tokens=s["max_new_tokens"], mask_id=s["mask_id"],
                               threshold=s["threshold"], small_block_size=s["small_block_size"],
                               block_size=s["block_size"], stop_token=s["stop_token"])
            ok = ids[0].tolist() == case["ids"] and counter["n"] == case["forwards"]
            all_ok &= _verdict(case["name"], ok, f"({len(case['ids'])} ids, {counter['n']} forwards)")

        print("sdar (JetAstra generate.py block_diffusion_generate, greedy sampler):")
        cbo._import_package(official, "sdar", "sdar_official", ["configuration_sdar.py", "modeling_sdar.py"], tmp)
        mod = importlib.import_module("sdar_official.modeling_sdar")
        cfg_mod = importlib.import_module("sdar_official.configuration_sdar")
        folder = fixtures / "sdar-tiny"
        config = cfg_mod.SDARConfig.from_pretrained(folder)
        config._attn_implementation = "sdpa"
        sdar = mod.SDARForCausalLM(config).eval()
        sdar.load_state_dict(read_tensors(folder), strict=True)

        class Adapter(nn.Module):
            def __init__(self):
                super().__init__()
                self.inner, self.forwards = sdar, 0

            @property
            def device(self):
                return torch.device("cpu")

            def forward(self, input_ids, attention_mask=None, **kw):
                self.forwards += 1
                return self.inner(input_ids, attention_mask=attention_mask[:, None], **kw)

        generate = _official_sdar_generate(official / "sdar" / "generate.py")
        expected = _load(fixtures, "sdar-tiny")
        for case in expected["decodes"]:
            s = case["settings"]
            model = Adapter()
            kwargs = dict(mask_id=expected["mask_token_id"], gen_length=s["gen_length"], block_length=s["block_length"],
                          denoising_steps=s["denoising_steps"], remasking_strategy=s["remasking_strategy"],
                          confidence_threshold=s.get("confidence_threshold", 0.85), eb_threshold=s.get("eb_threshold"),
                          stopping_criteria_idx=s.get("stopping_criteria_idx"))
            prompt = {"input_ids": torch.tensor([case["prompt"]])}
            if s["remasking_strategy"] == "entropy_bounded":
                try:
                    generate(model, prompt, **kwargs)
                    all_ok &= _verdict(case["name"], False, "(expected generate.py to raise)")
                except UnboundLocalError as e:
                    _verdict(case["name"], True, f"(official raises as documented: {e}; not comparable)")
                continue
            ids = generate(model, prompt, **kwargs)
            ok = ids[0].tolist() == case["ids"] and model.forwards == case["forwards"]
            all_ok &= _verdict(case["name"], ok, f"({len(case['ids'])} ids, {model.forwards} forwards)")
    return all_ok


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("part", choices=["llada2", "sdar-fastdllm"])
    ap.add_argument("--official", type=Path, help="folder with sdar/ (incl. generate.py) and fastdllm_v2/")
    ap.add_argument("--fixtures", type=Path, default=HERE / "fixtures-block")
    a = ap.parse_args()
    torch.set_num_threads(1)
    ok = check_llada2(a.fixtures) if a.part == "llada2" else check_sdar_fastdllm(a.fixtures, a.official)
    print("all official loops agree" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
