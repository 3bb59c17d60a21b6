"""Writes Tests/ModelsTests/Fixtures/gguf-kquant-blocks/blocks.gguf: raw Q4_K, Q5_K and Q6_K
superblocks next to gguf-py's own dequantisation of them, for a bit-for-bit test of dscope's.

Seeded and deterministic. Needs the `gguf` package (tools/requirements.txt). gguf-py cannot
quantise to k-quants, so the blocks are random bytes, which are valid by construction: every bit
pattern of the scales, mins and codes means something. Only the f16 superblock scales (d, dmin) are
drawn from a range that keeps values finite: normal and subnormal magnitudes, both signs, zero.

    python3 tools/make_kquant_fixtures.py [--out Tests/ModelsTests/Fixtures]

Tensors (PyTorch order [rows, columns]): `q4_k`, `q5_k`, `q6_k` stored as their type, each with
`<name>.reference` in F32 holding `gguf.quants.dequantize` of exactly those bytes.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import gguf
import numpy as np

SEED = 20251205
Q = gguf.GGMLQuantizationType
ROWS, COLUMNS = 3, 768  # three superblocks per row
# Byte offsets of the f16 superblock scales within each block (ggml-common.h).
HALF_OFFSETS = {Q.Q4_K: (0, 2), Q.Q5_K: (0, 2), Q.Q6_K: (208,)}


def random_halves(rng: np.random.Generator, count: int) -> np.ndarray:
    """f16 scales: mostly normal magnitudes 1e-5..1e-1, some subnormal, some zero, both signs."""
    magnitude = np.exp(rng.uniform(np.log(1e-5), np.log(1e-1), count))
    kind = rng.integers(0, 10, count)
    magnitude = np.where(kind == 0, rng.uniform(0, 6e-5, count), magnitude)  # subnormal f16
    magnitude = np.where(kind == 1, 0.0, magnitude)
    sign = np.where(rng.integers(0, 2, count) == 0, -1.0, 1.0)
    return (sign * magnitude).astype(np.float16)


def random_blocks(rng: np.random.Generator, qtype: Q) -> np.ndarray:
    block_values, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    blocks = ROWS * COLUMNS // block_values
    raw = rng.integers(0, 256, (blocks, block_bytes), dtype=np.uint8)
    for offset in HALF_OFFSETS[qtype]:
        raw[:, offset:offset + 2] = random_halves(rng, blocks).view(np.uint8).reshape(blocks, 2)
    return raw.reshape(ROWS, COLUMNS // block_values * block_bytes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=Path("Tests/ModelsTests/Fixtures"))
    args = parser.parse_args()
    folder = args.out / "gguf-kquant-blocks"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)

    writer = gguf.GGUFWriter(str(folder / "blocks.gguf"), "kquant-blocks")
    for qtype in (Q.Q4_K, Q.Q5_K, Q.Q6_K):
        name = qtype.name.lower()
        raw = random_blocks(rng, qtype)
        reference = gguf.quants.dequantize(raw, qtype)
        assert reference.shape == (ROWS, COLUMNS) and np.isfinite(reference).all()
        writer.add_tensor(name, raw, raw_dtype=qtype)
        writer.add_tensor(f"{name}.reference", reference.astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print(f"wrote {folder / 'blocks.gguf'}")


if __name__ == "__main__":
    main()
