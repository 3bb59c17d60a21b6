"""Tests/ModelsTests/Fixtures/gguf-llada2-q8_0/: the llada2-tiny block fixture converted by
tools/convert_llada2_gguf.py to Q8_0 (`model.gguf`), and `expected.safetensors` (`input_ids` I32,
`logits` F32): tools/llada2_reference.py run on the weights the file stores (dequantised), on the
fixture's 32 logits ids as one block of 32 (bidirectional, so no block mask is needed).

Usage: python3 tools/make_llada2_gguf_fixture.py   (seconds; byte-identical on rerun)
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).parent))
from convert_llada2_gguf import GLOBAL, PER_BLOCK, convert  # noqa: E402
from llada2_reference import LLaDA2Model  # noqa: E402

ROOT = Path(__file__).parent.parent
SOURCE = ROOT / "tools" / "fixtures-block" / "llada2-tiny"
OUT = ROOT / "Tests" / "ModelsTests" / "Fixtures" / "gguf-llada2-q8_0"
MASK_ID = 285


def hf_state(stored: dict, cfg: dict) -> dict[str, torch.Tensor]:
    """The stored GGUF tensors back under the Hugging Face names."""
    back = {v: k for k, v in GLOBAL.items()}
    state = {}
    for name, w in stored.items():
        t = torch.from_numpy(w.copy())
        if name in back:
            state[back[name]] = t
            continue
        _, n, rest = name.split(".", 2)
        prefix = f"model.layers.{n}."
        if rest.endswith("_exps.weight"):
            proj = rest.split("_")[1]
            for e in range(cfg["num_experts"]):
                state[f"{prefix}mlp.experts.{e}.{proj}_proj.weight"] = t[e]
        else:
            state[prefix + {v: k for k, v in PER_BLOCK.items()}[rest]] = t
    return state


def main() -> None:
    torch.set_num_threads(1)
    OUT.mkdir(parents=True, exist_ok=True)
    cfg = json.loads((SOURCE / "config.json").read_text())
    stored = convert(SOURCE, OUT / "model.gguf", "q8_0", MASK_ID)
    model = LLaDA2Model(cfg)
    missing, unexpected = model.load_state_dict(hf_state(stored, cfg), strict=False)
    if missing or unexpected:
        raise SystemExit(f"state mismatch: missing {missing}, unexpected {unexpected}")
    ids = load_file(str(SOURCE / "logits.safetensors"))["ids"]
    with torch.no_grad():
        logits = model(ids[None], block_size=32)[0]
    save_file({"input_ids": ids.to(torch.int32).contiguous(), "logits": logits.float().contiguous()},
              str(OUT / "expected.safetensors"), metadata={"format": "pt"})
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
