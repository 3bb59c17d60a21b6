"""Exports a tiny-arith training checkpoint as the bundled model folder (Hugging Face layout, bf16).

Writes into Sources/Models/Resources/tiny-arith/:
    config.json              LLaDA config (model_type "llada", mask / eos ids of the tokenizer)
    generation_config.json   the generation length the model was trained for
    model.safetensors        bf16 weights, HF tensor names
    tokenizer.json, tokenizer_config.json
    heldout.jsonl            the 300 held-out tasks {"id", "prompt", "answer"}
    TRAINING.md              recipe, command, loss excerpt, accuracy against steps (both orders)
    train.log                the full training log
and the parity fixture Tests/ModelsTests/Fixtures/tiny-arith/expected.safetensors: the PyTorch logits
(fp32 compute on the exported bf16 weights) of a half-decoded held-out canvas, which the Swift forward
of the bundled model must match.

    python tools/export_tiny.py                       # best checkpoint of tools/work/tiny-arith
    python tools/export_tiny.py --which last --eval 0 # latest checkpoint, no final evaluation
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import arith_tasks  # noqa: E402
import arith_tokenizer  # noqa: E402
import train_tiny  # noqa: E402
from llada_reference import LLaDAConfig, LLaDAModel, load_llada, save_llada  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "Sources" / "Models" / "Resources" / "tiny-arith"
PARITY_FIXTURE = ROOT / "Tests" / "ModelsTests" / "Fixtures" / "tiny-arith" / "expected.safetensors"


def export(run: Path, which: str, out: Path) -> dict:
    state = torch.load(run / f"{which}.pt", weights_only=False)
    cfg = LLaDAConfig.from_json_dict(state["config"])
    model = LLaDAModel(cfg)
    model.load_state_dict(state["model"])
    out.mkdir(parents=True, exist_ok=True)
    save_llada(model, cfg, out, torch.bfloat16)
    (out / "model.safetensors").chmod(0o644)
    config = json.loads((out / "config.json").read_text())
    config.update({"architectures": ["LLaDAModelLM"], "torch_dtype": "bfloat16"})
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")
    gen_length = state["gen_length"]
    (out / "generation_config.json").write_text(json.dumps({
        "gen_length": gen_length, "steps": gen_length, "block_length": gen_length,
        "mask_token_id": cfg.mask_token_id, "eos_token_id": cfg.eos_token_id,
        "bos_token_id": 0,
    }, indent=2) + "\n")
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copyfile(run / "tokenizer" / name, out / name)
    arith_tasks.write_heldout_jsonl(out / "heldout.jsonl", arith_tasks.heldout_tasks())
    shutil.copyfile(run / "train.log", out / "train.log")
    return state


def evaluate_export(out: Path, count: int) -> dict:
    """Greedy accuracy of the exported (bf16) weights on the first `count` held-out tasks."""
    _, model = load_llada(out)
    tokenizer = arith_tokenizer.load_tokenizer(out)
    gen_length = json.loads((out / "generation_config.json").read_text())["gen_length"]
    heldout = arith_tasks.read_heldout_jsonl(out / "heldout.jsonl")[:count]
    result = train_tiny.evaluate(model, tokenizer, heldout, gen_length, model.config.mask_token_id,
                                 model.config.eos_token_id)
    result["tasks"] = len(heldout)
    return result


def write_parity_fixture(out: Path, path: Path) -> None:
    """Logits of every position of held-out task 0's canvas with every other answer token masked."""
    from safetensors.torch import save_file
    _, model = load_llada(out)
    tokenizer = arith_tokenizer.load_tokenizer(out)
    gen_length = json.loads((out / "generation_config.json").read_text())["gen_length"]
    task = arith_tasks.heldout_tasks()[0]
    prompt = tokenizer.encode(arith_tokenizer.render_prompt(task.question), add_special_tokens=False).ids
    answer = tokenizer.encode(task.solution, add_special_tokens=False).ids
    answer = (answer + [model.config.eos_token_id] * gen_length)[:gen_length]
    canvas = prompt + [tok if i % 2 == 0 else model.config.mask_token_id for i, tok in enumerate(answer)]
    ids = torch.tensor([canvas])
    with torch.no_grad():
        logits = model(ids)[0].float()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"input_ids": ids[0].to(torch.int32), "logits": logits.contiguous()}, str(path), metadata={"format": "pt"})


def training_md(run: Path, state: dict, which: str, final: dict | None) -> str:
    recipe = state.get("recipe") or torch.load(run / "last.pt", weights_only=False)["recipe"]
    last = torch.load(run / "last.pt", weights_only=False)
    history = last["history"]
    log_lines = (run / "train.log").read_text().splitlines()
    loss_lines = [l for l in log_lines if " loss " in l]
    excerpt = loss_lines[:4] + ["..."] + [l for l in loss_lines if _step_of(l) % 1000 == 0] if loss_lines else []
    cfg = state["config"]
    n_params = sum(v.numel() for v in state["model"].values())
    flags = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in recipe.items()
                     if v != getattr(train_tiny.Recipe(), k))
    rows = "\n".join(f"| {h['step']} | {h['ar']:.1%} | {h['confidence']:.1%} | {h['eval_tasks']} |"
                     for h in history)
    final_text = ("not run" if final is None else
                  f"AR order **{final['ar']:.1%}**, confidence order **{final['confidence']:.1%}** "
                  f"on {final['tasks']} held-out tasks")
    return f"""# tiny-arith: how this model was trained

A {n_params:,}-parameter LLaDA-architecture model (d_model {cfg['d_model']}, {cfg['n_layers']} layers,
{cfg['n_heads']} heads, MLP {cfg['mlp_hidden_size']}, vocabulary {cfg['vocab_size']}) trained from scratch by
`tools/train_tiny.py` on synthetic arithmetic word problems (`tools/arith_tasks.py`: 2-3 operations of
buy / give / double / halve / share / compare, amounts 2..9, every intermediate result 0..50) with a
worked answer ("..., so 19 - 3 = 16. Then she doubles them, so 16 * 2 = 32. Therefore ...") and a last
line "The answer is N.". Tokenizer: byte-level BPE with one token per digit (`tools/arith_tokenizer.py`).

Exported from `{which}.pt` at step {state['step']} in bf16 by `tools/export_tiny.py`.

## Decoding settings it was trained for

- Prompt: the LLaDA chat template (single user turn, see tokenizer_config.json); `--prompt` is the question.
- Generation length **{state['gen_length']}** tokens (answers are EOS-padded to it in training;
  generation_config.json). Longer canvases put masks at RoPE positions the model never saw.
- Greedy (temperature 0). AR order = block length 1, one token per step; confidence order = one block,
  one token per step.

## Recipe

Objective: LLaDA's masked-diffusion SFT. Prompt never masked; every answer position (EOS padding
included) masked independently with probability t, t ~ U(0.001, 1) per sample (stratified over the
batch, uniform random masking: no decoding order is favoured); loss = sum of CE / t over masked
positions / (batch x generation length). Right padding only, attention-masked, so each prompt sits at
the positions it has at decode time. AdamW (betas 0.9/{recipe['beta2']}, weight decay {recipe['weight_decay']}
on matrices), lr {recipe['lr']} with {recipe['warmup_steps']} warm-up steps and cosine decay to
{recipe['min_lr_ratio']}x over {recipe['max_steps']} steps, batch {recipe['batch_size']}, gradient clip {recipe['grad_clip']},
seed {recipe['seed']}, {recipe['train_tasks']:,} training tasks (held-out questions excluded).

```
{json.dumps(recipe, indent=2)}
```

Command (resumable: re-running the same command continues from last.pt in the run folder):

```
nice -n 19 python tools/train_tiny.py --run {_relative(run)} {flags}
python tools/export_tiny.py --run {_relative(run)} --which {which}
```

## Greedy held-out accuracy against training steps

Measured during training on the first {recipe['eval_tasks']} held-out tasks (fp32 weights).

| step | AR order | confidence order | tasks |
|---:|---:|---:|---:|
{rows}

Exported weights (bf16), all evaluated held-out tasks: {final_text}.

## Loss (excerpt of train.log)

```
{chr(10).join(excerpt)}
```
"""


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _step_of(line: str) -> int:
    try:
        return int(line.split(" step ")[1].split()[0])
    except (IndexError, ValueError):
        return -1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--run", type=Path, default=ROOT / "tools" / "work" / "tiny-arith")
    ap.add_argument("--which", choices=("best", "last"), default="best")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--eval", type=int, default=arith_tasks.HELDOUT_COUNT,
                    help="evaluate the exported weights on this many held-out tasks (0: skip)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    state = export(args.run, args.which, args.out)
    print(f"exported {args.which}.pt (step {state['step']}) to {args.out}")
    final = None
    if args.eval:
        t0 = time.time()
        final = evaluate_export(args.out, args.eval)
        print(f"exported weights: AR {final['ar']:.1%}, confidence {final['confidence']:.1%} "
              f"on {final['tasks']} tasks ({time.time() - t0:.0f}s)")
    (args.out / "TRAINING.md").write_text(training_md(args.run, state, args.which, final))
    write_parity_fixture(args.out, PARITY_FIXTURE)
    print(f"wrote {PARITY_FIXTURE.relative_to(ROOT)}")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{args.out}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
