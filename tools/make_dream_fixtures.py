"""Writes the small random Dream checkpoint that ModelsTests read (Tests/ModelsTests/Fixtures/dream-bf16/).

Seeded and deterministic. Hugging Face layout, as a hub download of Dream-org/Dream-v0 looks:
config.json with Qwen2's keys and `model_type "Dream"`, model.safetensors in BF16 (Dream ships BF16),
and expected.safetensors with the reference forward (tools/dream_reference.py) on the stored values.

    python3 tools/make_dream_fixtures.py [--out Tests/ModelsTests/Fixtures]

Shapes are those of tools/make_gguf_fixtures.py (d 64, 4 heads over 2 kv heads, hidden 96, vocab 832),
so the same canvas runs on both. `logits` are the unshifted rows; the decoder reads row i − 1 for
position i (`shifted_logits` holds that view, for reference).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dream_reference import load_dream, save_dream, shift_logits  # noqa: E402
from make_gguf_fixtures import SEED, dream_config, llada_config, random_dream  # noqa: E402
from make_llada_fixtures import canvas_ids  # noqa: E402


def main() -> None:
    default_out = Path(__file__).resolve().parent.parent / "Tests" / "ModelsTests" / "Fixtures"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    torch.set_num_threads(1)

    cfg = dream_config()
    folder = args.out / "dream-bf16"
    save_dream(random_dream(cfg, SEED + 2), folder, dtype=torch.bfloat16)
    loaded_cfg, loaded = load_dream(folder)
    if loaded_cfg != cfg:
        raise SystemExit("fixture check failed: Dream config round trip")
    ids = canvas_ids(llada_config(), SEED)
    with torch.no_grad():
        logits = loaded(ids[None])
    save_file({"input_ids": ids.to(torch.int32).contiguous(), "logits": logits[0].float().contiguous(),
               "shifted_logits": shift_logits(logits)[0].float().contiguous()},
              str(folder / "expected.safetensors"), metadata={"format": "pt"})
    size = sum(p.stat().st_size for p in folder.iterdir())
    print(f"  {folder.name}: BF16, logits std {logits.std():.3f}, {size / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
