"""Writes the k-quant fixtures of ModelsTests:

- gguf-kquant-blocks/blocks.gguf: raw Q4_K, Q5_K and Q6_K superblocks next to gguf-py's own
  dequantisation of them, for a bit-for-bit test of dscope's;
- gguf-llada-q4_k_m/: a random LLaDA (d 256, 2 layers) in llama.cpp's layout with llama-quantize's
  Q4_K_M tensor mix (Q4_K, attn_v/ffn_down Q6_K on the layers its rule picks, output Q6_K, norms
  F32) and expected.safetensors, the PyTorch reference forward on the values the file stores.

Seeded and deterministic. Needs the `gguf` package (tools/requirements.txt). gguf-py cannot
quantise to k-quants, so the blocks are random bytes, which are valid by construction: every bit
pattern of the scales, mins and codes means something. Only the f16 superblock scales (d, dmin) are
drawn from a range that keeps values finite: normal and subnormal magnitudes, both signs, zero.

    python3 tools/make_kquant_fixtures.py [--out Tests/ModelsTests/Fixtures]

Tensors (PyTorch order [rows, columns]): `q4_k`, `q5_k`, `q6_k` stored as their type, each with
`<name>.reference` in F32 holding `gguf.quants.dequantize` of exactly those bytes.

The model's blocks are random bytes too (gguf-py cannot quantise to k-quants); their f16
superblock scales are set so values come out like the other fixtures' (std ~0.1, embeddings ~0.3).
Not written by llama-quantize itself: that acceptance check needs a llama.cpp build.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import sys

import gguf
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_reference import LLaDAModel  # noqa: E402
from make_gguf_fixtures import (LLADA_NAMES, add_llada_keys, check_file_stores, finish, gguf_name,  # noqa: E402
                                llada_config, save_expected, unpermute)
from make_llada_fixtures import canvas_ids  # noqa: E402

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


def scaled_blocks(rng: np.random.Generator, qtype: Q, rows: int, columns: int, std: float) -> np.ndarray:
    """Random blocks whose values have about `std` and mean about 0 (Q4_K: dmin ≈ 7.5 d offsets the codes)."""
    block_values, block_bytes = gguf.GGML_QUANT_SIZES[qtype]
    blocks = rows * columns // block_values
    raw = rng.integers(0, 256, (blocks, block_bytes), dtype=np.uint8)
    if qtype == Q.Q4_K:
        d = std / 300  # codes 0..15 times scales 0..63: std of sc·q − 7.5·m is ~300 units
        halves = {0: np.full(blocks, d), 2: np.full(blocks, 7.5 * d)}
    else:  # Q6_K: d · sc · (q − 32), sc in ±127: std ~1350 units
        halves = {208: np.full(blocks, std / 1350)}
    for offset, values in halves.items():
        raw[:, offset:offset + 2] = values.astype(np.float16).view(np.uint8).reshape(blocks, 2)
    return raw.reshape(rows, columns // block_values * block_bytes)


def q4_k_m_type(name: str, layers: int) -> Q:
    """llama-quantize's Q4_K_M choice (llama-quant.cpp): output Q6_K; attn_v and ffn_down Q6_K where
    use_more_bits(i, n) holds (i < n/8, i ≥ 7n/8, or (i − n/8) % 3 == 2), else Q4_K."""
    if name == "output.weight":
        return Q.Q6_K
    if name.endswith(("attn_v.weight", "ffn_down.weight")):
        i = int(name.split(".")[1])
        more_bits = i < layers // 8 or i >= 7 * layers // 8 or (i - layers // 8) % 3 == 2
        return Q.Q6_K if more_bits else Q.Q4_K
    return Q.Q4_K


def write_llada_q4_k_m(out: Path, fixtures: Path, rng: np.random.Generator) -> None:
    cfg = llada_config(d_model=256, n_heads=4, n_kv_heads=2, mlp_hidden_size=512)
    shapes = {k: tuple(v.shape) for k, v in LLaDAModel(cfg).state_dict().items()}
    folder = out / "gguf-llada-q4_k_m"
    folder.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(folder / "model.gguf"), "llada")
    writer.add_name("dscope fixture llada Q4_K_M mix")
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q4_K_M)
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    add_llada_keys(writer, cfg, fixtures)
    stored = {}
    for hf_name, shape in shapes.items():
        name = gguf_name(hf_name, LLADA_NAMES)
        if len(shape) == 1:
            w = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
            writer.add_tensor(name, w)
            stored[hf_name] = torch.from_numpy(w)
            continue
        qtype = q4_k_m_type(name, cfg.n_layers)
        raw = scaled_blocks(rng, qtype, *shape, std=0.3 if name == "token_embd.weight" else 0.1)
        writer.add_tensor(name, raw, raw_dtype=qtype)
        w = gguf.quants.dequantize(raw, qtype).reshape(shape).astype(np.float32)
        heads = cfg.n_heads if name.endswith("attn_q.weight") else cfg.n_kv_heads if name.endswith("attn_k.weight") else None
        if heads is not None:
            w = unpermute(w, heads)  # the file holds llama.cpp's permuted rows
        stored[hf_name] = torch.from_numpy(np.ascontiguousarray(w))
    finish(writer)
    check_file_stores(folder / "model.gguf", stored, LLADA_NAMES, cfg.n_heads, cfg.n_kv_heads)

    reference = LLaDAModel(cfg).eval()
    reference.load_state_dict(stored, strict=True)
    ids = canvas_ids(cfg, 7)
    with torch.no_grad():
        logits = reference(ids[None])[0]
    save_expected(folder, ids, logits)
    types = sorted({q4_k_m_type(gguf_name(k, LLADA_NAMES), cfg.n_layers).name for k, v in shapes.items() if len(v) == 2})
    print(f"wrote {folder}: {'/'.join(types)} + F32 norms, logits std {logits.std():.3f}")


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
    write_llada_q4_k_m(args.out, args.out, rng)


if __name__ == "__main__":
    main()
