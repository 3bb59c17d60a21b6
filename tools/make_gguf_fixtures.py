"""Writes the GGUF files that ModelsTests read (Tests/ModelsTests/Fixtures/gguf-*/, broken/*.gguf).

Seeded and deterministic. Needs the `gguf` package (tools/requirements.txt).

    python3 tools/make_gguf_fixtures.py [--out Tests/ModelsTests/Fixtures]

Each model file is laid out the way llama.cpp's convert_hf_to_gguf.py writes it: metadata under
`llada.*` / `dream.*`, a gpt2 tokenizer in `tokenizer.ggml.*`, tensors named `blk.N.attn_q.weight`
and so on, norms in F32, and for LLaDA the q/k rows of every head permuted for llama.cpp's
adjacent-pair rope. `expected.safetensors` holds the reference forward on exactly the values the
file stores (dequantised, permutation undone), so Swift parity within 1e-4 is meaningful for the
quantised files too. Sizes are multiples of 32 (d 64, hidden 96): quantised rows are 32-value blocks.
"""

from __future__ import annotations

import argparse
import json
import struct
import sys
from pathlib import Path

import gguf
import numpy as np
import torch
from safetensors.torch import save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dream_reference import DreamConfig, DreamModel  # noqa: E402
from llada_reference import LLaDAConfig, LLaDAModel  # noqa: E402
from make_llada_fixtures import canvas_ids, random_model  # noqa: E402

SEED = 20250401
Q = gguf.GGMLQuantizationType
TOKENIZER = "tokenizers/digits-bytelevel"
VOCAB = 832  # the fixture tokenizer's 806 ids + 26 unused embedding rows, like LLaDA's padding
MASK, BOS, EOS = 802, 800, 801


def llada_config(**overrides) -> LLaDAConfig:
    cfg = LLaDAConfig(d_model=64, n_layers=2, n_heads=4, n_kv_heads=2, mlp_hidden_size=96,
                      vocab_size=VOCAB, embedding_size=VOCAB, max_sequence_length=64,
                      rope_theta=500000.0, rms_norm_eps=1e-5,
                      mask_token_id=MASK, eos_token_id=EOS, pad_token_id=EOS)
    for k, v in overrides.items():
        setattr(cfg, k, v)
    return cfg


def dream_config() -> DreamConfig:
    return DreamConfig(hidden_size=64, intermediate_size=96, num_hidden_layers=2, num_attention_heads=4,
                       num_key_value_heads=2, vocab_size=VOCAB, max_position_embeddings=64,
                       rope_theta=1000000.0, rms_norm_eps=1e-6, mask_token_id=MASK,
                       pad_token_id=EOS, bos_token_id=BOS, eos_token_id=EOS)


def random_dream(cfg: DreamConfig, seed: int) -> DreamModel:
    """As random_model for LLaDA: projections N(0, 0.1), biases N(0, 0.1), embeddings N(0, 0.3), norms 1 + N(0, 0.1)."""
    gen = torch.Generator().manual_seed(seed)
    model = DreamModel(cfg)
    with torch.no_grad():
        for name, p in model.named_parameters():
            noise = torch.randn(p.shape, generator=gen)
            if name.endswith("norm.weight"):
                p.copy_(1.0 + 0.1 * noise)
            elif name.endswith("embed_tokens.weight"):
                p.copy_(0.3 * noise)
            else:
                p.copy_(0.1 * noise)
    return model.eval()


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"fixture check failed: {message}")


# ----------------------------------------------------------------------------------------------
# llama.cpp's layout

def permute(w: np.ndarray, heads: int) -> np.ndarray:
    """convert_hf_to_gguf.py's LlamaModel.permute: row i + half·j of a head moves to row 2i + j."""
    return w.reshape(heads, 2, w.shape[0] // heads // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def unpermute(w: np.ndarray, heads: int) -> np.ndarray:
    return w.reshape(heads, w.shape[0] // heads // 2, 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


LLADA_NAMES = {
    "model.transformer.wte.weight": "token_embd.weight",
    "model.transformer.ln_f.weight": "output_norm.weight",
    "model.transformer.ff_out.weight": "output.weight",
    "attn_norm.weight": "attn_norm.weight", "q_proj.weight": "attn_q.weight",
    "k_proj.weight": "attn_k.weight", "v_proj.weight": "attn_v.weight",
    "attn_out.weight": "attn_output.weight", "ff_norm.weight": "ffn_norm.weight",
    "ff_proj.weight": "ffn_gate.weight", "up_proj.weight": "ffn_up.weight", "ff_out.weight": "ffn_down.weight",
}
DREAM_NAMES = {
    "model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
    "lm_head.weight": "output.weight",
    "input_layernorm.weight": "attn_norm.weight", "self_attn.q_proj.weight": "attn_q.weight",
    "self_attn.q_proj.bias": "attn_q.bias", "self_attn.k_proj.weight": "attn_k.weight",
    "self_attn.k_proj.bias": "attn_k.bias", "self_attn.v_proj.weight": "attn_v.weight",
    "self_attn.v_proj.bias": "attn_v.bias", "self_attn.o_proj.weight": "attn_output.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight", "mlp.gate_proj.weight": "ffn_gate.weight",
    "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight",
}


def gguf_name(hf_name: str, table: dict[str, str]) -> str:
    if hf_name in table:
        return table[hf_name]
    parts = hf_name.split(".")
    layer = next(int(p) for p in parts if p.isdigit())
    suffix = ".".join(parts[parts.index(str(layer)) + 1:])
    return f"blk.{layer}.{table[suffix]}"


def write_tensors(writer: gguf.GGUFWriter, state: dict[str, torch.Tensor], table: dict[str, str],
                  qtype: Q, q_heads: int | None, k_heads: int | None) -> dict[str, torch.Tensor]:
    """Adds every tensor; returns the values the file stores, in Hugging Face order and names."""
    stored = {}
    for hf_name, tensor in state.items():
        name = gguf_name(hf_name, table)
        w = tensor.float().numpy()
        heads = q_heads if name.endswith("attn_q.weight") else k_heads if name.endswith("attn_k.weight") else None
        if heads is not None:
            w = permute(w, heads)
        if w.ndim == 1:  # norms and biases stay F32, as the converter keeps them
            data, back = w.astype(np.float32), w.astype(np.float32)
            writer.add_tensor(name, data)
        else:
            data = gguf.quants.quantize(w, qtype)
            back = gguf.quants.dequantize(data, qtype).reshape(w.shape).astype(np.float32)
            writer.add_tensor(name, data, raw_dtype=qtype)
        if heads is not None:
            back = unpermute(back, heads)
        stored[hf_name] = torch.from_numpy(np.ascontiguousarray(back))
    return stored


def add_llada_keys(writer: gguf.GGUFWriter, cfg, fixtures: Path) -> None:
    """The `llada` architecture's hyperparameters as llama.cpp's converter writes them, and the tokenizer."""
    writer.add_context_length(cfg.max_sequence_length)
    writer.add_embedding_length(cfg.d_model)
    writer.add_block_count(cfg.n_layers)
    writer.add_feed_forward_length(cfg.mlp_hidden_size)
    writer.add_head_count(cfg.n_heads)
    writer.add_head_count_kv(cfg.n_kv_heads)
    writer.add_rope_freq_base(cfg.rope_theta)
    writer.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    writer.add_vocab_size(cfg.vocab_size)
    writer.add_rope_dimension_count(cfg.head_dim)
    writer.add_causal_attention(False)
    writer.add_diffusion_shift_logits(False)
    add_tokenizer(writer, fixtures)


def add_tokenizer(writer: gguf.GGUFWriter, fixtures: Path) -> None:
    """The digits-bytelevel fixture tokenizer as convert_hf_to_gguf.py's _set_vocab_gpt2 writes it."""
    tokenizer = json.loads((fixtures / TOKENIZER / "tokenizer.json").read_text())
    config = json.loads((fixtures / TOKENIZER / "tokenizer_config.json").read_text())
    tokens = [f"[PAD{i}]" for i in range(VOCAB)]
    types = [gguf.TokenType.UNUSED] * VOCAB
    for token, i in tokenizer["model"]["vocab"].items():
        tokens[i], types[i] = token, gguf.TokenType.NORMAL
    for added in tokenizer["added_tokens"]:
        tokens[added["id"]] = added["content"]
        types[added["id"]] = gguf.TokenType.CONTROL if added["special"] else gguf.TokenType.USER_DEFINED
    merges = [m if isinstance(m, str) else " ".join(m) for m in tokenizer["model"]["merges"]]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre("refact")  # Digits(individual) + GPT-2 regex in llama-vocab.cpp
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    writer.add_bos_token_id(BOS)
    writer.add_eos_token_id(EOS)
    writer.add_pad_token_id(EOS)
    writer.add_mask_token_id(MASK)
    writer.add_add_bos_token(False)
    writer.add_chat_template(config["chat_template"])


FILE_TYPES = {Q.F16: gguf.LlamaFileType.MOSTLY_F16, Q.BF16: gguf.LlamaFileType.MOSTLY_BF16,
              Q.Q8_0: gguf.LlamaFileType.MOSTLY_Q8_0, Q.Q4_0: gguf.LlamaFileType.MOSTLY_Q4_0}


def write_llada_gguf(out: Path, fixtures: Path, qtype: Q, tied: bool, ids: torch.Tensor) -> None:
    cfg = llada_config(weight_tying=tied)
    model = random_model(llada_config(), SEED)
    state = {k: v for k, v in model.state_dict().items() if not (tied and k == "model.transformer.ff_out.weight")}
    folder = out / f"gguf-llada-{qtype.name.lower()}"
    folder.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(folder / "model.gguf"), "llada")
    writer.add_name(f"dscope fixture llada {qtype.name}")
    writer.add_file_type(FILE_TYPES[qtype])
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    add_llada_keys(writer, cfg, fixtures)
    stored = write_tensors(writer, state, LLADA_NAMES, qtype, cfg.n_heads, cfg.n_kv_heads)
    finish(writer)

    reference = LLaDAModel(cfg).eval()
    reference.load_state_dict(stored, strict=True)
    with torch.no_grad():
        logits = reference(ids[None])[0]
    check_file_stores(folder / "model.gguf", stored, LLADA_NAMES, cfg.n_heads, cfg.n_kv_heads)
    d = np.abs(numpy_forward(folder / "model.gguf", ids.numpy(), cfg.n_heads, cfg.n_kv_heads,
                             cfg.rope_theta, cfg.rms_norm_eps, adjacent_pairs=True) - logits.double().numpy()).max()
    check(d < 1e-4, f"{folder.name}: numpy forward on the GGUF layout differs by {d}")
    save_expected(folder, ids, logits)
    print(f"  {folder.name}: {qtype.name}{' tied' if tied else ''}, logits std {logits.std():.3f}, "
          f"|numpy64 on permuted rows, adjacent-pair rope - torch32| {d:.1e}")


def write_dream_gguf(out: Path, fixtures: Path, qtype: Q, ids: torch.Tensor) -> None:
    cfg = dream_config()
    model = random_dream(cfg, SEED + 1)
    folder = out / f"gguf-dream-{qtype.name.lower()}"
    folder.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(folder / "model.gguf"), "dream")
    writer.add_name(f"dscope fixture dream {qtype.name}")
    writer.add_file_type(FILE_TYPES[qtype])
    writer.add_quantization_version(gguf.GGML_QUANT_VERSION)
    writer.add_context_length(cfg.max_position_embeddings)
    writer.add_embedding_length(cfg.hidden_size)
    writer.add_block_count(cfg.num_hidden_layers)
    writer.add_feed_forward_length(cfg.intermediate_size)
    writer.add_head_count(cfg.num_attention_heads)
    writer.add_head_count_kv(cfg.num_key_value_heads)
    writer.add_rope_freq_base(cfg.rope_theta)
    writer.add_layer_norm_rms_eps(cfg.rms_norm_eps)
    writer.add_causal_attention(False)
    add_tokenizer(writer, fixtures)  # Dream's converter writes no diffusion.shift_logits: readers default to shifting
    stored = write_tensors(writer, model.state_dict(), DREAM_NAMES, qtype, None, None)
    finish(writer)

    reference = DreamModel(cfg).eval()
    reference.load_state_dict(stored, strict=True)
    with torch.no_grad():
        logits = reference(ids[None])[0]
    check_file_stores(folder / "model.gguf", stored, DREAM_NAMES, None, None)
    d = np.abs(numpy_forward(folder / "model.gguf", ids.numpy(), cfg.num_attention_heads, cfg.num_key_value_heads,
                             cfg.rope_theta, cfg.rms_norm_eps, adjacent_pairs=False) - logits.double().numpy()).max()
    check(d < 1e-4, f"{folder.name}: numpy forward on the GGUF layout differs by {d}")
    save_expected(folder, ids, logits)
    print(f"  {folder.name}: {qtype.name}, q/k/v biases, rows unpermuted, |numpy64 - torch32| {d:.1e}")


def finish(writer: gguf.GGUFWriter) -> None:
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def save_expected(folder: Path, ids: torch.Tensor, logits: torch.Tensor) -> None:
    save_file({"input_ids": ids.to(torch.int32).contiguous(), "logits": logits.float().contiguous()},
              str(folder / "expected.safetensors"), metadata={"format": "pt"})


# ----------------------------------------------------------------------------------------------
# Independent checks, reading the file back with gguf-py's reader

def read_back(path: Path) -> dict[str, np.ndarray]:
    """Every tensor dequantised to float64, in PyTorch's [out, in] order."""
    reader = gguf.GGUFReader(str(path))
    return {t.name: gguf.quants.dequantize(t.data, t.tensor_type).astype(np.float64).reshape(
        [int(n) for n in reversed(t.shape)]) for t in reader.tensors}


def check_file_stores(path: Path, stored: dict[str, torch.Tensor], table: dict[str, str],
                      q_heads: int | None, k_heads: int | None) -> None:
    tensors = read_back(path)
    check(len(tensors) == len(stored), f"{path}: {len(tensors)} tensors, expected {len(stored)}")
    for hf_name, value in stored.items():
        name = gguf_name(hf_name, table)
        w = tensors[name]
        heads = q_heads if name.endswith("attn_q.weight") else k_heads if name.endswith("attn_k.weight") else None
        if heads is not None:
            w = unpermute(w, heads)
        check(np.array_equal(w, value.double().numpy()), f"{path}: {name} reads back differently")


def numpy_forward(path: Path, ids: np.ndarray, heads: int, kv_heads: int, theta: float, eps: float,
                  adjacent_pairs: bool) -> np.ndarray:
    """The block stack in float64 straight from the file's tensors and names; with `adjacent_pairs`
    the rope turns pairs (2i, 2i+1), as llama.cpp does for LLaDA's permuted rows."""
    w = read_back(path)
    x = w["token_embd.weight"][ids]
    T, d = x.shape
    hd = d // heads
    inv_freq = theta ** (-2.0 * np.arange(hd // 2) / hd)
    ang = np.arange(T)[:, None] * inv_freq[None, :]
    cos, sin = np.cos(ang), np.sin(ang)

    def rope(v):  # (T, hd)
        first, second = (v[:, 0::2], v[:, 1::2]) if adjacent_pairs else (v[:, :hd // 2], v[:, hd // 2:])
        out = np.empty_like(v)
        a, b = first * cos - second * sin, second * cos + first * sin
        if adjacent_pairs:
            out[:, 0::2], out[:, 1::2] = a, b
        else:
            out[:, :hd // 2], out[:, hd // 2:] = a, b
        return out

    def norm(v, g):
        return v / np.sqrt((v * v).mean(-1, keepdims=True) + eps) * g

    layer = 0
    while f"blk.{layer}.attn_q.weight" in w:
        b = f"blk.{layer}."
        h = norm(x, w[b + "attn_norm.weight"])
        q, k, v = (h @ w[b + f"attn_{n}.weight"].T + w.get(b + f"attn_{n}.bias", 0) for n in "qkv")
        att = np.zeros((T, heads * hd))
        for head in range(heads):
            kv = head // (heads // kv_heads)
            s = rope(q[:, head * hd:(head + 1) * hd]) @ rope(k[:, kv * hd:(kv + 1) * hd]).T / np.sqrt(hd)
            s = np.exp(s - s.max(-1, keepdims=True))
            att[:, head * hd:(head + 1) * hd] = (s / s.sum(-1, keepdims=True)) @ v[:, kv * hd:(kv + 1) * hd]
        x = x + att @ w[b + "attn_output.weight"].T
        h = norm(x, w[b + "ffn_norm.weight"])
        gate, up = h @ w[b + "ffn_gate.weight"].T, h @ w[b + "ffn_up.weight"].T
        x = x + (gate / (1 + np.exp(-gate)) * up) @ w[b + "ffn_down.weight"].T
        layer += 1
    head = w.get("output.weight", w["token_embd.weight"])
    return norm(x, w["output_norm.weight"]) @ head.T


# ----------------------------------------------------------------------------------------------
# Broken files: a minimal writer so single fields can be made wrong

def gguf_bytes(tensors: list[tuple[str, list[int], int, int]], data: bytes, magic: bytes = b"GGUF",
               version: int = 3, alignment: int = 32) -> bytes:
    """tensors: (name, ggml dims, type id, data offset)."""
    def string(s: str) -> bytes:
        raw = s.encode()
        return struct.pack("<Q", len(raw)) + raw

    out = magic + struct.pack("<IQQ", version, len(tensors), 1)
    out += string("general.architecture") + struct.pack("<I", 8) + string("llada")
    for name, dims, type_id, offset in tensors:
        out += string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", n) for n in dims)
        out += struct.pack("<IQ", type_id, offset)
    out += b"\0" * (-len(out) % alignment)
    return out + data


def write_broken(broken: Path) -> None:
    broken.mkdir(parents=True, exist_ok=True)
    data = np.arange(64, dtype=np.float32).tobytes()  # 256 bytes
    valid = gguf_bytes([("a.weight", [8, 4], int(Q.F32), 0), ("b.weight", [8, 4], int(Q.F32), 128)], data)
    (broken / "valid-two-tensors.gguf").write_bytes(valid)
    (broken / "truncated.gguf").write_bytes(valid[:-40])
    (broken / "truncated-header.gguf").write_bytes(valid[:60])  # inside the value of general.architecture
    (broken / "bad-magic.gguf").write_bytes(b"GGML" + valid[4:])
    (broken / "version-1.gguf").write_bytes(valid[:4] + struct.pack("<I", 1) + valid[8:])
    (broken / "out-of-bounds.gguf").write_bytes(
        gguf_bytes([("a.weight", [8, 4], int(Q.F32), 0), ("b.weight", [8, 4], int(Q.F32), 4096)], data))
    (broken / "misaligned.gguf").write_bytes(
        gguf_bytes([("a.weight", [8, 4], int(Q.F32), 0), ("b.weight", [8, 4], int(Q.F32), 100)], data))
    (broken / "unknown-type.gguf").write_bytes(gguf_bytes([("a.weight", [8, 4], 99, 0)], data))
    # Q2_K [256 × 1]: 84 bytes, a valid tensor of a type the matmul does not read.
    (broken / "unsupported-type.gguf").write_bytes(gguf_bytes([("a.weight", [256, 1], int(Q.Q2_K), 0)], data[:84]))

    gguf.GGUFReader(str(broken / "valid-two-tensors.gguf"))
    for name in ["truncated", "truncated-header", "bad-magic", "version-1", "out-of-bounds", "misaligned", "unknown-type"]:
        try:
            gguf.GGUFReader(str(broken / f"{name}.gguf"))
        except Exception:
            continue
        if name == "misaligned":  # gguf-py does not check offsets against the alignment
            continue
        raise SystemExit(f"fixture check failed: broken/{name}.gguf loads in gguf-py")
    print("  broken/: valid-two-tensors, truncated, truncated-header, bad-magic, version-1, out-of-bounds, "
          "misaligned, unknown-type, unsupported-type (Q2_K)")


def main() -> None:
    default_out = Path(__file__).resolve().parent.parent / "Tests" / "ModelsTests" / "Fixtures"
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args()
    torch.set_num_threads(1)
    out: Path = args.out
    ids = canvas_ids(llada_config(), SEED)
    print(f"writing GGUF fixtures to {out}")
    for qtype, tied in [(Q.F16, False), (Q.BF16, False), (Q.Q8_0, False), (Q.Q4_0, True)]:
        write_llada_gguf(out, out, qtype, tied, ids)
    write_dream_gguf(out, out, Q.Q8_0, ids)
    write_broken(out / "broken")
    total = sum(p.stat().st_size for p in out.glob("gguf-*/*")) + sum(p.stat().st_size for p in (out / "broken").glob("*.gguf"))
    print(f"GGUF fixture size {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
