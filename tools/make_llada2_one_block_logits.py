"""One-block LLaDA2 logits for the Swift forward's parity test, before it has the block mask.

A canvas no longer than one block attends bidirectionally under LLaDA2's block-causal mask, so the
plain bidirectional forward must give these logits. Runs tools/llada2_reference.py (fp32) on the
llada2-tiny fixture checkpoint and writes tools/fixtures-block/llada2-tiny/one_block_logits.safetensors:

    ids_N (I64, N) and logits_N (F32, N × vocab) for N = 8, 13, 32: the first N of the fixture's
    logits ids, one forward under block size 32 (one block).

Usage: python3 tools/make_llada2_one_block_logits.py   (a few seconds; byte-identical on rerun)
"""

from __future__ import annotations

import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).parent))
from llada2_reference import load_llada2  # noqa: E402

FOLDER = Path(__file__).parent / "fixtures-block" / "llada2-tiny"
BLOCK = 32


def main() -> None:
    torch.set_num_threads(1)
    model = load_llada2(FOLDER)
    ids = load_file(str(FOLDER / "logits.safetensors"))["ids"]
    out = {}
    for n in (8, 13, 32):
        canvas = ids[:n].clone()
        out[f"ids_{n}"] = canvas
        out[f"logits_{n}"] = model(canvas[None], block_size=BLOCK)[0].contiguous()
    save_file(out, str(FOLDER / "one_block_logits.safetensors"), metadata={"block_size": str(BLOCK)})
    print(f"wrote {FOLDER / 'one_block_logits.safetensors'}")


if __name__ == "__main__":
    main()
