"""Writes k-quant GGUF fixtures with llama.cpp's own `llama-quantize`: Tests/ModelsTests/Fixtures/
gguf-llamacpp-{q4_k_m,q5_k_m,q6_k}/.

A random LLaDA (d 256, 4 heads, 2 kv heads, mlp 256, 1 layer, the digits tokenizer) is written as
an F32 GGUF in llama.cpp's layout, then quantised by llama-quantize to Q4_K_M, Q5_K_M and Q6_K,
which picks each tensor's type by its own rules. For every output file the folder gets:
- model.gguf, as llama-quantize wrote it;
- dequantised-fnv1a.json: per tensor, the 64-bit FNV-1a hash of gguf-py's dequantisation
  (`gguf.quants.dequantize`, float32, row-major) and the type name; dscope's must hash the same;
- expected.safetensors: the PyTorch reference forward on exactly those values.

    python3 tools/make_llamacpp_kquant_fixtures.py --llama-quantize PATH/llama-quantize

llama.cpp is built in a scratch folder (llama-cpp-python's sdist vendors it; cmake -DGGML_NATIVE=ON,
target llama-quantize) and never committed.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

import gguf
import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_reference import LLaDAModel  # noqa: E402
from make_gguf_fixtures import (LLADA_NAMES, add_llada_keys, finish, gguf_name, llada_config,  # noqa: E402
                                permute, save_expected, unpermute)
from make_llada_fixtures import canvas_ids, random_model  # noqa: E402

SEED = 20251206
TYPES = ["Q4_K_M", "Q5_K_M", "Q6_K"]


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def write_f32(path: Path, fixtures: Path, cfg) -> None:
    state = random_model(cfg, SEED).state_dict()
    writer = gguf.GGUFWriter(str(path), "llada")
    writer.add_name("dscope fixture llada F32 for llama-quantize")
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    add_llada_keys(writer, cfg, fixtures)
    for hf_name, tensor in state.items():
        name = gguf_name(hf_name, LLADA_NAMES)
        w = tensor.float().numpy()
        if name.endswith("attn_q.weight"):
            w = permute(w, cfg.n_heads)
        elif name.endswith("attn_k.weight"):
            w = permute(w, cfg.n_kv_heads)
        writer.add_tensor(name, np.ascontiguousarray(w, dtype=np.float32))
    finish(writer)


def describe(model: Path, folder: Path, cfg) -> str:
    reader = gguf.GGUFReader(str(model))
    hashes, stored, types = {}, {}, {}
    hf_of = {gguf_name(k, LLADA_NAMES): k for k in LLaDAModel(cfg).state_dict()}
    for t in reader.tensors:
        shape = [int(n) for n in reversed(t.shape)]
        values = gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float32).reshape(shape)
        hashes[t.name] = {"type": t.tensor_type.name, "shape": shape, "fnv1a64": fnv1a64(values.tobytes())}
        types[t.tensor_type.name] = types.get(t.tensor_type.name, 0) + 1
        if t.name.endswith("attn_q.weight"):
            values = unpermute(values, cfg.n_heads)
        elif t.name.endswith("attn_k.weight"):
            values = unpermute(values, cfg.n_kv_heads)
        stored[hf_of[t.name]] = torch.from_numpy(np.ascontiguousarray(values))
    (folder / "dequantised-fnv1a.json").write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    reference = LLaDAModel(cfg).eval()
    reference.load_state_dict(stored, strict=True)
    ids = canvas_ids(cfg, 11)
    with torch.no_grad():
        logits = reference(ids[None])[0]
    save_expected(folder, ids, logits)
    return ", ".join(f"{name} × {count}" for name, count in sorted(types.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--llama-quantize", type=Path, required=True)
    parser.add_argument("--out", type=Path, default=Path("Tests/ModelsTests/Fixtures"))
    args = parser.parse_args()
    cfg = llada_config(d_model=256, n_layers=1, n_heads=4, n_kv_heads=2, mlp_hidden_size=256)
    with tempfile.TemporaryDirectory() as scratch:
        f32 = Path(scratch) / "model-f32.gguf"
        write_f32(f32, args.out, cfg)
        for qtype in TYPES:
            folder = args.out / f"gguf-llamacpp-{qtype.lower()}"
            folder.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(args.llama_quantize), str(f32), str(folder / "model.gguf"), qtype],
                           check=True, capture_output=True)
            print(f"wrote {folder}: {describe(folder / 'model.gguf', folder, cfg)}")


if __name__ == "__main__":
    main()
