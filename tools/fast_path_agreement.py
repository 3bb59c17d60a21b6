"""How far the bundled model's fast matmul path lies from the exact one, as docs/performance.md's
"What int8 costs" and "bf16 weights with vdpbf16ps" tables report it, from dscope itself.

The fast path is the one dscope picks by CPU detection: int8 activations for quantised GGUF weights
(AVX2, or AVX512-VNNI where the CPU has it), AVX512-BF16's vdpbf16ps for bf16 weights where the CPU
has it; `--exact-matmul` is the fp32 reference. Two measurements, each run both ways:

- logits: one full-canvas forward (`dscope logits`) of each of the first --logit-prompts held-out
  prompts, chat-templated, followed by --masks mask ids; every row: max |Δ|, the largest |logit| of
  the exact path, and rows whose argmax agrees;
- decodes: `dscope decode --json` (the model's defaults: one block, one token per step, confidence
  order) on the first --decodes held-out prompts: identical decodes, and equal positions.

    python3 tools/fast_path_agreement.py                             # the bundled bf16 safetensors
    python3 tools/fast_path_agreement.py --model /tmp/tiny-q8_0.gguf # its Q8_0 conversion
      (tools/convert_bundled_to_gguf.py LLAMA_CPP_DIR --outtype q8_0 --outfile /tmp/tiny-q8_0.gguf)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "Sources/Models/Resources/tiny-arith"


def cpu_flags() -> set[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"error: {' '.join(cmd[:3])} … failed (exit {done.returncode}): {done.stderr.strip()}")
    return done.stdout


def logits(args, ids: list[int], exact: bool, out: Path) -> np.ndarray:
    cmd = [args.dscope, "logits", "--model", args.model, "--threads", str(args.threads),
           "--ids", ",".join(map(str, ids)), "--out", str(out)]
    run(cmd + (["--exact-matmul"] if exact else []))
    return np.load(out)


def decode(args, prompt: str, exact: bool) -> list[int]:
    cmd = [args.dscope, "decode", "--model", args.model, "--threads", str(args.threads),
           "--prompt", prompt, "--json"]
    return json.loads(run(cmd + (["--exact-matmul"] if exact else [])))["ids"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", default=str(BUNDLED), help="model folder or GGUF file (default: the bundle)")
    ap.add_argument("--dscope", default=str(ROOT / ".build/release/dscope"))
    ap.add_argument("--tasks", type=Path, default=BUNDLED / "heldout.jsonl")
    ap.add_argument("--logit-prompts", type=int, default=8)
    ap.add_argument("--masks", type=int, default=64)
    ap.add_argument("--decodes", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    if not Path(args.dscope).is_file():
        sys.exit(f"error: {args.dscope} is not built (swift build -c release --product dscope)")
    mask_id = json.loads((BUNDLED / "config.json").read_text())["mask_token_id"]
    prompts = [json.loads(line)["prompt"] for line in args.tasks.read_text().splitlines() if line.strip()]
    need = max(args.logit_prompts, args.decodes)
    if len(prompts) < need:
        sys.exit(f"error: {args.tasks}: {len(prompts)} tasks, {need} needed")

    flags = cpu_flags()
    paths = [name for name, flag in [("AVX512-BF16", "avx512_bf16"), ("AVX512-VNNI", "avx512_vnni"),
                                     ("AVX2", "avx2")] if flag in flags]
    print(f"model {args.model}; CPU has {', '.join(paths) or 'none of AVX2/AVX512-VNNI/AVX512-BF16'}")
    if "avx512_bf16" not in flags and not args.model.endswith(".gguf"):
        print("note: without AVX512-BF16, bf16 weights run the exact path both ways (Δ = 0 expected)")

    worst, largest, agree, rows = 0.0, 0.0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, prompt in enumerate(prompts[:args.logit_prompts]):
            ids = json.loads(run([args.dscope, "tokenize", "--model", args.model, prompt])) + [mask_id] * args.masks
            fast = logits(args, ids, False, Path(tmp) / f"fast{i}.npy")
            exact = logits(args, ids, True, Path(tmp) / f"exact{i}.npy")
            delta = np.abs(fast.astype(np.float64) - exact.astype(np.float64))
            if not np.isfinite(delta).all():
                sys.exit(f"error: prompt {i}: non-finite logits")
            worst = max(worst, float(delta.max()))
            largest = max(largest, float(np.abs(exact).max()))
            agree += int((fast.argmax(axis=1) == exact.argmax(axis=1)).sum())
            rows += exact.shape[0]
    print(f"logits: max |Δ| {worst:.3f}, largest |logit| {largest:.1f}, argmax {agree} / {rows} rows")

    same, positions, total = 0, 0, 0
    for prompt in prompts[:args.decodes]:
        fast, exact = decode(args, prompt, False), decode(args, prompt, True)
        same += fast == exact
        positions += sum(a == b for a, b in zip(fast, exact))
        total += max(len(fast), len(exact))
    print(f"decodes: {same} / {args.decodes} identical, {positions:,} / {total:,} positions")


if __name__ == "__main__":
    main()
