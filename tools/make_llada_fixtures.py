"""Writes the small LLaDA checkpoints and broken files that ModelsTests read (Tests/ModelsTests/Fixtures/).

Seeded and deterministic: running it again rewrites byte-identical files.

    python3 tools/make_llada_fixtures.py [--out Tests/ModelsTests/Fixtures]

Sizes are deliberately odd (head_dim 18, hidden 88, embedding_size 304 = vocab 300 + 4 padding rows,
T = 13) so that SIMD kernels hit their remainder paths. Each checkpoint folder gets an
`expected.safetensors` with the reference forward in fp32 on the stored weights.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import struct
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_reference import LLaDAConfig, LLaDAModel, load_llada, save_llada  # noqa: E402
import llada_reference  # noqa: E402

SEED = 20250301
SEQ_LEN = 13
PROJECTION_STD = 0.1
EMBEDDING_STD = 0.3
NORM_NOISE_STD = 0.1


def base_config(**overrides) -> LLaDAConfig:
    cfg = LLaDAConfig(
        d_model=72, n_layers=2, n_heads=4, n_kv_heads=4, mlp_hidden_size=88,
        vocab_size=300, embedding_size=304, max_sequence_length=64,
        rope_theta=500000.0, rms_norm_eps=1e-5,
        mask_token_id=299, eos_token_id=298, pad_token_id=298,
    )
    for k, v in overrides.items():
        setattr(cfg, k, v)
    return cfg


def random_model(cfg: LLaDAConfig, seed: int) -> LLaDAModel:
    """Projections N(0, 0.1), embeddings N(0, 0.3), norm weights 1 + N(0, 0.1): logits come out O(1)."""
    gen = torch.Generator().manual_seed(seed)
    model = LLaDAModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if p.dim() == 1:
                p.copy_(1.0 + NORM_NOISE_STD * noise)
            elif name.endswith("wte.weight"):
                p.copy_(EMBEDDING_STD * noise)
            else:
                p.copy_(PROJECTION_STD * noise)
    return model.eval()


def canvas_ids(cfg: LLaDAConfig, seed: int) -> torch.Tensor:
    """A prompt, then masks, then EOS: the shape of a LLaDA canvas mid-decode. Starts with id 0, ends with vocab-1."""
    gen = torch.Generator().manual_seed(seed)
    ids = torch.randint(0, cfg.vocab_size, (SEQ_LEN,), generator=gen)
    ids[0] = 0
    ids[5:9] = cfg.mask_token_id
    ids[10] = cfg.eos_token_id
    ids[SEQ_LEN - 1] = cfg.vocab_size - 1
    return ids


@torch.no_grad()
def reference_outputs(model: LLaDAModel, ids: torch.Tensor) -> dict[str, torch.Tensor]:
    """logits (T, embedding_size) plus the residual stream after the embedding and after each block."""
    hidden: list[torch.Tensor] = []
    hooks = [model.transformer.wte.register_forward_hook(lambda m, i, o: hidden.append(o))]
    for block in model.transformer.blocks:
        hooks.append(block.register_forward_hook(lambda m, i, o: hidden.append(o)))
    logits = model(ids[None, :])[0]
    for h in hooks:
        h.remove()
    out = {"input_ids": ids.to(torch.int32), "logits": logits.float()}
    for n, h in enumerate(hidden):
        out[f"hidden_states.{n}"] = h[0].float()
    return {k: v.contiguous() for k, v in out.items()}


# ----------------------------------------------------------------------------------------------
# Independent check of the reference: the same forward in float64 numpy, written out step by step.

def numpy_forward(cfg: LLaDAConfig, w: dict[str, np.ndarray], ids: np.ndarray) -> np.ndarray:
    def rmsnorm(x, g):
        return x / np.sqrt((x * x).mean(-1, keepdims=True) + cfg.rms_norm_eps) * g

    T, hd, H, Hkv = len(ids), cfg.head_dim, cfg.n_heads, cfg.n_kv_heads
    half = hd // 2
    inv_freq = cfg.rope_theta ** (-2.0 * np.arange(half) / hd)
    ang = np.arange(T)[:, None] * inv_freq[None, :]                 # (T, half)
    cos, sin = np.cos(ang), np.sin(ang)

    def rope(x):                                                    # x (T, hd)
        x1, x2 = x[:, :half], x[:, half:]
        return np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=1)

    p = "model.transformer."
    x = w[p + "wte.weight"][ids]
    for layer in range(cfg.n_layers):
        b = f"{p}blocks.{layer}."
        h = rmsnorm(x, w[b + "attn_norm.weight"])
        q = h @ w[b + "q_proj.weight"].T
        k = h @ w[b + "k_proj.weight"].T
        v = h @ w[b + "v_proj.weight"].T
        att = np.zeros((T, H * hd))
        for head in range(H):
            kv = head // (H // Hkv)
            qh = rope(q[:, head * hd:(head + 1) * hd])
            kh = rope(k[:, kv * hd:(kv + 1) * hd])
            vh = v[:, kv * hd:(kv + 1) * hd]
            s = qh @ kh.T / math.sqrt(hd)
            s = np.exp(s - s.max(-1, keepdims=True))
            att[:, head * hd:(head + 1) * hd] = (s / s.sum(-1, keepdims=True)) @ vh
        x = x + att @ w[b + "attn_out.weight"].T
        h = rmsnorm(x, w[b + "ff_norm.weight"])
        gate = h @ w[b + "ff_proj.weight"].T
        up = h @ w[b + "up_proj.weight"].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[b + "ff_out.weight"].T
    x = rmsnorm(x, w[p + "ln_f.weight"])
    head = w[p + "wte.weight"] if cfg.weight_tying else w[p + "ff_out.weight"]
    return x @ head.T


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"fixture check failed: {message}")


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a.double() - b.double()).abs().max().item()


# ----------------------------------------------------------------------------------------------
# Checkpoints

def write_checkpoint(folder: Path, model: LLaDAModel, cfg: LLaDAConfig, dtype: torch.dtype,
                     ids: torch.Tensor) -> dict[str, torch.Tensor]:
    """Saves, reloads, and writes expected.safetensors from the reloaded (stored) weights."""
    save_llada(model, cfg, folder, dtype=dtype)
    loaded_cfg, loaded = load_llada(folder)
    check(loaded_cfg == cfg, f"{folder.name}: config round trip")
    expected = reference_outputs(loaded, ids)
    save_file(expected, str(folder / "expected.safetensors"), metadata={"format": "pt"})

    weights = {k: v.double().numpy() for k, v in loaded.state_dict().items()}
    np_logits = numpy_forward(cfg, weights, ids.numpy())
    d = np.abs(np_logits - expected["logits"].double().numpy()).max()
    check(d < 1e-4, f"{folder.name}: numpy float64 forward differs by {d}")
    print(f"  {folder.name}: dtype {str(dtype).replace('torch.', '')}, logits std "
          f"{expected['logits'].std():.3f}, |numpy64 - torch32| {d:.2e}")
    return expected


def write_sharded(folder: Path, source: Path, ids: torch.Tensor, expected: dict[str, torch.Tensor]) -> None:
    """The same tensors as `source` in two shards + index, like a hub download."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "config.json", folder / "config.json")
    tensors = load_file(str(source / "model.safetensors"))
    names = sorted(tensors, key=_hf_order)
    first = [n for n in names if n == "model.transformer.wte.weight" or ".blocks.0." in n]
    second = [n for n in names if n not in first]
    shard_names = ["model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"]
    weight_map = {}
    for shard, group in zip(shard_names, [first, second]):
        save_file({n: tensors[n] for n in group}, str(folder / shard), metadata={"format": "pt"})
        weight_map.update({n: shard for n in group})
    total_size = sum(t.numel() * t.element_size() for t in tensors.values())
    index = {"metadata": {"total_size": total_size}, "weight_map": dict(sorted(weight_map.items()))}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index, indent=2) + "\n")

    _, loaded = load_llada(folder)
    d = max_diff(reference_outputs(loaded, ids)["logits"], expected["logits"])
    check(d == 0.0, f"{folder.name}: sharded logits differ from single-file by {d}")
    save_file(expected, str(folder / "expected.safetensors"), metadata={"format": "pt"})
    print(f"  {folder.name}: 2 shards, total_size {total_size}, logits identical to {source.name}")


def _hf_order(name: str) -> tuple:
    parts = name.split(".")
    if parts[2] == "wte":
        return (0, 0, name)
    if parts[2] == "blocks":
        return (1, int(parts[3]), name)
    return (2, 0, name)


def check_gqa_equals_repeated_heads(model: LLaDAModel, cfg: LLaDAConfig, ids: torch.Tensor) -> None:
    """Grouped KV must equal a full-MHA model whose k/v heads are the kv heads repeated (interleaved)."""
    group = cfg.n_heads // cfg.n_kv_heads
    mha_cfg = LLaDAConfig.from_json_dict({**cfg.to_json_dict(), "n_kv_heads": cfg.n_heads})
    mha = LLaDAModel(mha_cfg).eval()
    state = dict(model.state_dict())
    hd = cfg.head_dim
    for key in list(state):
        if key.endswith("k_proj.weight") or key.endswith("v_proj.weight"):
            w = state[key].view(cfg.n_kv_heads, hd, cfg.d_model)
            state[key] = w.repeat_interleave(group, dim=0).reshape(cfg.n_heads * hd, cfg.d_model)
    mha.load_state_dict(state)
    with torch.no_grad():
        d = max_diff(model(ids[None]), mha(ids[None]))
    check(d < 1e-5, f"GQA vs repeated-head MHA differ by {d}")
    print(f"  llada-gqa: equals MHA with repeated kv heads (max diff {d:.1e})")


@torch.no_grad()
def check_fused_attention(model: LLaDAModel, ids: torch.Tensor) -> None:
    """The fused SDPA path equals softmax(qk^T/sqrt(hd))v written out, with and without a padding mask."""
    fused = model(ids[None])
    saved = llada_reference.attention
    llada_reference.attention = llada_reference.naive_attention
    try:
        naive = model(ids[None])
    finally:
        llada_reference.attention = saved
    d = max_diff(fused, naive)
    check(d < 1e-5, f"fused vs naive attention differ by {d}")

    # Padding keys are ignored: a padded batch row equals the unpadded sequence.
    batch = torch.stack([ids, torch.cat([ids[:9], torch.full((SEQ_LEN - 9,), 298)])])
    mask = torch.ones_like(batch, dtype=torch.bool)
    mask[1, 9:] = False
    d_pad = max_diff(model(batch, mask)[1, :9], model(ids[None, :9])[0])
    check(d_pad < 1e-5, f"padded row differs from unpadded sequence by {d_pad}")
    print(f"  attention: fused = naive ({d:.1e}); key padding mask exact ({d_pad:.1e})")


# ----------------------------------------------------------------------------------------------
# Broken files and folders (error-path tests)

def safetensors_bytes(header: dict, data: bytes, header_len: int | None = None) -> bytes:
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * (-len(raw) % 8)  # the format pads the header with spaces to 8-byte alignment
    n = len(raw) if header_len is None else header_len
    return struct.pack("<Q", n) + raw + data


def write_broken(broken: Path, tiny_cfg: LLaDAConfig) -> None:
    broken.mkdir(parents=True, exist_ok=True)
    data = np.arange(12, dtype=np.float32).tobytes()  # 48 bytes

    full = safetensors_bytes({"a": {"dtype": "F32", "shape": [3, 4], "data_offsets": [0, 48]}}, data)
    (broken / "truncated.safetensors").write_bytes(full[:-20])

    header = {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}
    (broken / "header-too-long.safetensors").write_bytes(
        safetensors_bytes(header, data[:8], header_len=1_000_000))

    # BF16 [3, 4] needs 24 bytes; the span says 20.
    (broken / "dtype-shape-mismatch.safetensors").write_bytes(safetensors_bytes(
        {"a": {"dtype": "BF16", "shape": [3, 4], "data_offsets": [0, 20]}}, data[:20]))

    (broken / "overlap.safetensors").write_bytes(safetensors_bytes(
        {"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
         "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}}, data[:24]))

    not_json = b"this is not json"
    (broken / "not-json.safetensors").write_bytes(struct.pack("<Q", len(not_json)) + not_json + data[:8])

    tiny = random_model(tiny_cfg, SEED + 100)
    tensors = {k: v.to(torch.bfloat16).contiguous() for k, v in tiny.state_dict().items()}
    config_json = json.dumps(tiny_cfg.to_json_dict(), indent=2) + "\n"

    missing = broken / "missing-tensor"
    missing.mkdir(exist_ok=True)
    (missing / "config.json").write_text(config_json)
    dropped = "model.transformer.blocks.0.up_proj.weight"
    save_file({k: v for k, v in tensors.items() if k != dropped}, str(missing / "model.safetensors"),
              metadata={"format": "pt"})

    unknown = broken / "unknown-model-type"
    unknown.mkdir(exist_ok=True)
    (unknown / "config.json").write_text(json.dumps({**tiny_cfg.to_json_dict(), "model_type": "gpt2"}, indent=2) + "\n")
    save_file(tensors, str(unknown / "model.safetensors"), metadata={"format": "pt"})

    no_config = broken / "no-config"
    no_config.mkdir(exist_ok=True)
    save_file(tensors, str(no_config / "model.safetensors"), metadata={"format": "pt"})

    # The Python readers must reject them too (a fixture that loads would test nothing).
    for name in ["truncated", "header-too-long", "dtype-shape-mismatch", "overlap", "not-json"]:
        try:
            load_file(str(broken / f"{name}.safetensors"))
        except Exception:
            continue
        raise SystemExit(f"fixture check failed: broken/{name}.safetensors loads in safetensors")
    for folder in [missing, no_config]:
        try:
            load_llada(folder)
        except Exception:
            continue
        raise SystemExit(f"fixture check failed: broken/{folder.name} loads")
    try:
        LLaDAConfig.from_json_dict(json.loads((unknown / "config.json").read_text())).validate()
    except ValueError:
        pass
    else:
        raise SystemExit("fixture check failed: unknown-model-type validates")
    print(f"  broken/: 5 files, missing-tensor (no {dropped}), unknown-model-type, no-config")


# ----------------------------------------------------------------------------------------------

def main() -> None:
    default_out = Path(__file__).resolve().parent.parent / "Tests" / "ModelsTests" / "Fixtures"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    torch.set_num_threads(1)  # fixed reduction order, so reruns are byte-identical
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    cfg = base_config()
    model = random_model(cfg, SEED)
    ids = canvas_ids(cfg, SEED)
    print(f"writing fixtures to {out}")
    expected_f32 = write_checkpoint(out / "llada-f32", model, cfg, torch.float32, ids)
    check_fused_attention(model, ids)
    write_sharded(out / "llada-sharded", out / "llada-f32", ids, expected_f32)

    write_checkpoint(out / "llada-bf16", model, cfg, torch.bfloat16, ids)

    gqa_cfg = base_config(n_kv_heads=2)
    gqa = random_model(gqa_cfg, SEED + 1)
    write_checkpoint(out / "llada-gqa", gqa, gqa_cfg, torch.float32, ids)
    check_gqa_equals_repeated_heads(gqa, gqa_cfg, ids)

    tied_cfg = base_config(weight_tying=True)
    tied = random_model(tied_cfg, SEED + 2)
    write_checkpoint(out / "llada-tied", tied, tied_cfg, torch.float32, ids)
    check("model.transformer.ff_out.weight" not in load_file(str(out / "llada-tied" / "model.safetensors")),
          "llada-tied has an ff_out head tensor")

    tiny_cfg = LLaDAConfig(
        d_model=16, n_layers=1, n_heads=2, n_kv_heads=2, mlp_hidden_size=24,
        vocab_size=40, embedding_size=40, max_sequence_length=32,
        mask_token_id=39, eos_token_id=38, pad_token_id=38,
    )
    write_broken(out / "broken", tiny_cfg)

    total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
    print(f"total fixture size {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
