"""Exports a tiny-arith training checkpoint (v2, issue 16) as the bundled model folder (Hugging Face layout, bf16).

Writes into Sources/Models/Resources/tiny-arith/ (or --out):
    config.json              LLaDA config (model_type "llada", mask / eos ids of the tokenizer)
    generation_config.json   the generation length the model was trained for
    model.safetensors        bf16 weights, HF tensor names
    tokenizer.json, tokenizer_config.json
    heldout.jsonl            the easy generator split (300 tasks) {"id", "prompt", "answer"}
    heldout-hard.jsonl       the hard generator split (200 tasks)
    handwritten.jsonl        the hand-written-style questions
    TRAINING.md              tools/data/tiny-arith-v2/TRAINING.md, then the run's curve and loss excerpt
    RUNS.md                  tools/data/tiny-arith-v2/RUNS.md, the session-by-session log of the runs
    train.log                the full training log
and the parity fixture (default Tests/ModelsTests/Fixtures/tiny-arith/expected.safetensors when --out
is the bundled folder; --fixture otherwise): the PyTorch logits (fp32 compute on the exported bf16
weights) of a half-decoded held-out canvas, which the Swift forward of the bundled model must match.

    python3 tools/export_tiny.py --run /work/runs/tiny-arith-v2                  # best checkpoint
    python3 tools/export_tiny.py --run /work/runs/tiny-arith-v2 --which last --eval 0 \
        --out /tmp/tiny-arith-scratch --fixture /tmp/tiny-arith-scratch/expected.safetensors
    python3 tools/export_tiny.py --run /work/runs/tiny-arith-v3e --which last --eval 0 \
        --average-with /work/runs/tiny-arith-66237     # the mean of last.pt and an earlier export
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
import arith_tokenizer  # noqa: E402
import task_stream  # noqa: E402
import tiny_eval  # noqa: E402
from layer_growth import grow_layers  # noqa: E402
from llada_reference import LLaDAConfig, LLaDAModel, load_llada, save_llada  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "Sources" / "Models" / "Resources" / "tiny-arith"
PARITY_FIXTURE = ROOT / "Tests" / "ModelsTests" / "Fixtures" / "tiny-arith" / "expected.safetensors"
SHIPPED_TASK_FILES = ("heldout.jsonl", "heldout-hard.jsonl", "handwritten.jsonl")
NOTES = task_stream.DATA / "TRAINING.md"
RUN_LOG = task_stream.DATA / "RUNS.md"


def export(run: Path, which: str, out: Path, average_with: Path | None = None) -> dict:
    state = torch.load(run / f"{which}.pt", weights_only=False, map_location="cpu")
    cfg = LLaDAConfig.from_json_dict(state["config"])
    if average_with:
        average_weights(state["model"], cfg.n_layers, average_with)
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
    for name in SHIPPED_TASK_FILES:
        shutil.copyfile(task_stream.DATA / name, out / name)
    shutil.copyfile(RUN_LOG, out / RUN_LOG.name)
    shutil.copyfile(run / "train.log", out / "train.log")
    return state


def average_weights(weights: dict, n_layers: int, folder: Path) -> None:
    """Replaces `weights` by their mean with an exported model's (a checkpoint average: two runs from
    the same weights that each gained where the other lost, averaged, can keep both gains). A shallower
    export is first grown to `n_layers` as `train_tiny.py --init` grew it, so a deeper run can be
    averaged with the export it started from."""
    if not (folder / "config.json").is_file():
        raise SystemExit(f"{folder}: not an exported model folder (no config.json)")
    their_cfg, other = load_llada(folder)
    if their_cfg.n_layers > n_layers:
        raise SystemExit(f"{folder}: {their_cfg.n_layers} layers, more than the checkpoint's {n_layers}")
    theirs = grow_layers(other.state_dict(), their_cfg.n_layers, n_layers)
    for name, value in weights.items():
        if name not in theirs or theirs[name].shape != value.shape:
            raise SystemExit(f"{folder}: tensor {name} is missing or differs in shape from the checkpoint's")
        weights[name] = 0.5 * value.float() + 0.5 * theirs[name].float()


def evaluate_export(out: Path, count: int) -> dict:
    """Greedy accuracy of the exported (bf16) weights on the first `count` held-out tasks."""
    _, model = load_llada(out)
    tokenizer = arith_tokenizer.load_tokenizer(out)
    gen_length = json.loads((out / "generation_config.json").read_text())["gen_length"]
    results = {}
    for name in SHIPPED_TASK_FILES:
        tasks = task_stream.read_jsonl(out / name)[:count]
        results[name] = tiny_eval.evaluate(model, tokenizer, tasks, gen_length, model.config.mask_token_id,
                                            model.config.eos_token_id)
        results[name]["tasks"] = len(tasks)
    return results


def write_parity_fixture(out: Path, path: Path) -> None:
    """Logits of every position of held-out task 0's canvas with every other answer token masked."""
    from safetensors.torch import save_file
    _, model = load_llada(out)
    tokenizer = arith_tokenizer.load_tokenizer(out)
    gen_length = json.loads((out / "generation_config.json").read_text())["gen_length"]
    task = task_stream.heldout_split("easy_heldout", task_stream.EASY_SEED, 1)[0]   # heldout.jsonl's first
    prompt = tokenizer.encode(arith_tokenizer.render_prompt(task.question), add_special_tokens=False).ids
    answer = tokenizer.encode(task.solution, add_special_tokens=False).ids
    answer = (answer + [model.config.eos_token_id] * gen_length)[:gen_length]
    canvas = prompt + [tok if i % 2 == 0 else model.config.mask_token_id for i, tok in enumerate(answer)]
    ids = torch.tensor([canvas])
    with torch.no_grad():
        logits = model(ids)[0].float()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file({"input_ids": ids[0].to(torch.int32), "logits": logits.contiguous()}, str(path), metadata={"format": "pt"})


def training_md(run: Path, state: dict, which: str, final: dict | None, average_with: Path | None) -> str:
    """The hand-written notes (tools/data/tiny-arith-v2/TRAINING.md), then this export's figures."""
    last = torch.load(run / "last.pt", weights_only=False, map_location="cpu")
    recipe, history = last["recipe"], last["history"]
    log_lines = (run / "train.log").read_text().splitlines()
    loss_lines = [l for l in log_lines if " loss " in l]
    excerpt = loss_lines[:4] + ["..."] + [l for l in loss_lines if _step_of(l) % 2000 == 0] if loss_lines else []
    cfg = state["config"]
    n_params = sum(v.numel() for v in state["model"].values())
    sets = ("easy", "hard", "hand", "ood")
    header = "| step | " + " | ".join(f"{s} AR | {s} conf." for s in sets) + " |"
    rule = "|---:|" + "---:|" * (2 * len(sets))
    rows = "\n".join(
        f"| {h['step']} | " + " | ".join(
            f"{h[s]['ar']:.0%} | {h[s]['confidence']:.0%}" if s in h else "- | -" for s in sets) + " |"
        for h in history)
    limit = recipe.get("eval_limit", 0)
    evaluated = " / ".join(str(min(n, limit) if limit else n) for _, n in tiny_eval.EVAL_SETS.values())
    evaluated = f"first {evaluated} tasks"
    averaged = ""
    if average_with:
        their_layers = json.loads((average_with / "config.json").read_text())["n_layers"]
        grown = f" (grown from {their_layers} layers)" if their_layers != cfg["n_layers"] else ""
        averaged = f", averaged 50 / 50 with the weights of `{_relative(average_with)}`{grown}"
    final_rows = "not run here (`--eval 0`); the notes above give dscope's own figures" if final is None else "\n".join(
        f"- {name}: AR **{r['ar']:.1%}**, confidence **{r['confidence']:.1%}** ({r['tasks']} tasks)"
        for name, r in final.items())
    return f"""{NOTES.read_text().rstrip()}

## This export

{n_params:,} parameters (d_model {cfg['d_model']}, {cfg['n_layers']} layers, {cfg['n_heads']} heads, MLP
{cfg['mlp_hidden_size']}, vocabulary {cfg['vocab_size']}); `{which}.pt` at step {state['step']} of the run
in `{run}`{averaged}, bf16, generation length {state['gen_length']}.

Greedy accuracy of the exported weights (PyTorch, one token per step):

{final_rows}

Recipe of the run (train_tiny.py flags):

```
{json.dumps(recipe, indent=2)}
```

### Greedy accuracy against training steps (fp32, during training)

Sets: easy / hard generator splits, hand-written questions, out-of-domain refusals ({evaluated}).

{header}
{rule}
{rows}

### Loss (excerpt of train.log)

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
    ap.add_argument("--run", type=Path, required=True, help="the training run folder (e.g. /work/runs/tiny-arith-v2)")
    ap.add_argument("--which", choices=("best", "last"), default="best")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--fixture", type=Path, default=None,
                    help="parity fixture path (default: the test fixture when --out is the bundled folder, else none)")
    ap.add_argument("--average-with", type=Path, default=None,
                    help="an exported model folder of the same shape: export the mean of its weights and the checkpoint's")
    ap.add_argument("--eval", type=int, default=task_stream.EASY_COUNT,
                    help="evaluate the exported weights on this many tasks of each shipped file (0: skip)")
    args = ap.parse_args()
    torch.set_num_threads(2)
    state = export(args.run, args.which, args.out, args.average_with)
    print(f"exported {args.which}.pt (step {state['step']}) to {args.out}")
    final = None
    if args.eval:
        t0 = time.time()
        final = evaluate_export(args.out, args.eval)
        for name, r in final.items():
            print(f"exported weights, {name}: AR {r['ar']:.1%}, confidence {r['confidence']:.1%} on {r['tasks']} tasks")
        print(f"({time.time() - t0:.0f}s)")
    (args.out / "TRAINING.md").write_text(training_md(args.run, state, args.which, final, args.average_with))
    fixture = args.fixture or (PARITY_FIXTURE if args.out.resolve() == DEFAULT_OUT.resolve() else None)
    if fixture:
        write_parity_fixture(args.out, fixture)
        print(f"wrote {fixture}")
    size = sum(p.stat().st_size for p in args.out.iterdir())
    print(f"{args.out}: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
