"""Plain PyTorch reference for the LLaDA architecture (docs: spec DECODING.md, "LLaDA-8B-Instruct checkpoint").

The Swift forward in `Models/LLaDA` is checked against this file, the way llama2.c's `run.c` is
checked against its `model.py`. It is also the model the training scripts in `tools/` build on.

    x = wte[ids]                                    no embedding scaling
    per block:
        h = RMSNorm(x) * attn_norm
        q, k, v = q_proj(h), k_proj(h), v_proj(h)   RoPE on q, k in fp32 ("rotate half")
        x += attn_out(softmax(q k^T / sqrt(head_dim)) v)   bidirectional, grouped KV by repeat-interleave
        h = RMSNorm(x) * ff_norm
        x += ff_out(silu(ff_proj(h)) * up_proj(h))
    logits = ff_out_head(RMSNorm(x) * ln_f)         wte when weight_tying

State-dict keys are exactly the Hugging Face tensor names (`model.transformer.blocks.N.q_proj.weight`, ...),
so `save_llada` writes a folder that loads like a hub download and `load_llada` reads the real checkpoint.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import hf_folder


# ----------------------------------------------------------------------------------------------
# Config

@dataclass
class LLaDAConfig:
    """Field names are the config.json keys of GSAI-ML/LLaDA-8B-Instruct; defaults are that model."""
    d_model: int = 4096
    n_layers: int = 32
    n_heads: int = 32
    n_kv_heads: int = 32
    mlp_hidden_size: int = 12288
    vocab_size: int = 126464
    embedding_size: int = 126464
    max_sequence_length: int = 4096
    rope_theta: float = 500000.0
    rms_norm_eps: float = 1e-5
    mask_token_id: int = 126336
    eos_token_id: int = 126081
    pad_token_id: int = 126081
    weight_tying: bool = False
    include_bias: bool = False
    activation_type: str = "silu"
    block_type: str = "llama"
    model_type: str = "llada"

    @property
    def head_dim(self) -> int:
        return self.d_model // self.n_heads

    def validate(self) -> None:
        if self.model_type != "llada":
            raise ValueError(f"model_type {self.model_type!r} is not 'llada'")
        if self.d_model % self.n_heads != 0:
            raise ValueError(f"d_model {self.d_model} is not a multiple of n_heads {self.n_heads}")
        if self.head_dim % 2 != 0:
            raise ValueError(f"head_dim {self.head_dim} must be even for rotate-half RoPE")
        if self.n_heads % self.n_kv_heads != 0:
            raise ValueError(f"n_heads {self.n_heads} is not a multiple of n_kv_heads {self.n_kv_heads}")
        if self.embedding_size < self.vocab_size:
            raise ValueError(f"embedding_size {self.embedding_size} < vocab_size {self.vocab_size}")
        if self.include_bias or self.activation_type != "silu" or self.block_type != "llama":
            raise ValueError("only include_bias=false, activation_type='silu', block_type='llama' are modelled")

    def to_json_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_json_dict(cls, d: dict) -> "LLaDAConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        cfg = cls(**{k: v for k, v in d.items() if k in known})
        if cfg.embedding_size is None:
            cfg.embedding_size = cfg.vocab_size
        if cfg.n_kv_heads is None:
            cfg.n_kv_heads = cfg.n_heads
        return cfg


# ----------------------------------------------------------------------------------------------
# Layers

class RMSNorm(nn.Module):
    """x * rsqrt(mean(x^2) + eps) in fp32, then scaled by `weight` (no bias)."""

    def __init__(self, dim: int, eps: float):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))  # (dim,)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x32 = x.float()
        x32 = x32 * torch.rsqrt(x32.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return (x32 * self.weight.float()).to(x.dtype)


def rope_cos_sin(seq_len: int, head_dim: int, theta: float, device=None) -> tuple[torch.Tensor, torch.Tensor]:
    """cos, sin tables (seq_len, head_dim) in fp32; inv_freq_i = theta^(-2i/head_dim), positions 0..T-1."""
    exponents = torch.arange(0, head_dim, 2, dtype=torch.float32, device=device) / head_dim
    inv_freq = 1.0 / (theta ** exponents)                               # (head_dim/2,)
    positions = torch.arange(seq_len, dtype=torch.float32, device=device)
    angles = torch.outer(positions, inv_freq)                           # (T, head_dim/2)
    angles = torch.cat([angles, angles], dim=-1)                        # (T, head_dim)
    return angles.cos(), angles.sin()


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat([-x2, x1], dim=-1)


def apply_rope(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """x: (B, heads, T, head_dim); rotation done in fp32, result in x's dtype."""
    x32 = x.float()
    return (x32 * cos + rotate_half(x32) * sin).to(x.dtype)


class LLaDABlock(nn.Module):
    def __init__(self, cfg: LLaDAConfig):
        super().__init__()
        self.cfg = cfg
        d, hd, hidden = cfg.d_model, cfg.head_dim, cfg.mlp_hidden_size
        self.attn_norm = RMSNorm(d, cfg.rms_norm_eps)
        self.q_proj = nn.Linear(d, cfg.n_heads * hd, bias=False)        # (n_heads*hd, d)
        self.k_proj = nn.Linear(d, cfg.n_kv_heads * hd, bias=False)     # (n_kv_heads*hd, d)
        self.v_proj = nn.Linear(d, cfg.n_kv_heads * hd, bias=False)     # (n_kv_heads*hd, d)
        self.attn_out = nn.Linear(cfg.n_heads * hd, d, bias=False)      # (d, n_heads*hd)
        self.ff_norm = RMSNorm(d, cfg.rms_norm_eps)
        self.ff_proj = nn.Linear(d, hidden, bias=False)                 # gate (hidden, d)
        self.up_proj = nn.Linear(d, hidden, bias=False)                 # up   (hidden, d)
        self.ff_out = nn.Linear(hidden, d, bias=False)                  # down (d, hidden)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                key_mask: Optional[torch.Tensor]) -> torch.Tensor:
        cfg = self.cfg
        B, T, _ = x.shape
        hd = cfg.head_dim

        h = self.attn_norm(x)
        q = self.q_proj(h).view(B, T, cfg.n_heads, hd).transpose(1, 2)      # (B, H, T, hd)
        k = self.k_proj(h).view(B, T, cfg.n_kv_heads, hd).transpose(1, 2)   # (B, Hkv, T, hd)
        v = self.v_proj(h).view(B, T, cfg.n_kv_heads, hd).transpose(1, 2)   # (B, Hkv, T, hd)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        group = cfg.n_heads // cfg.n_kv_heads
        if group > 1:
            # query head h reads kv head h // group
            k = k.repeat_interleave(group, dim=1)
            v = v.repeat_interleave(group, dim=1)
        att = attention(q, k, v, key_mask)                                    # (B, H, T, hd)
        x = x + self.attn_out(att.transpose(1, 2).reshape(B, T, cfg.n_heads * hd))

        h = self.ff_norm(x)
        x = x + self.ff_out(F.silu(self.ff_proj(h)) * self.up_proj(h))
        return x


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
              key_mask: Optional[torch.Tensor]) -> torch.Tensor:
    """Bidirectional softmax(q k^T / sqrt(hd)) v. key_mask (B, T) bool: True = real key, False = padding."""
    mask = None if key_mask is None else key_mask[:, None, None, :]          # (B, 1, 1, T)
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, is_causal=False)


def naive_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                    key_mask: Optional[torch.Tensor]) -> torch.Tensor:
    """The same as `attention`, written out; used to check the fused kernel."""
    scores = (q.float() @ k.float().transpose(-1, -2)) / math.sqrt(q.shape[-1])  # (B, H, T, T)
    if key_mask is not None:
        scores = scores.masked_fill(~key_mask[:, None, None, :], float("-inf"))
    return (scores.softmax(dim=-1) @ v.float()).to(q.dtype)


# ----------------------------------------------------------------------------------------------
# Model (module nesting model -> transformer -> ... gives the Hugging Face tensor names)

class _Transformer(nn.Module):
    def __init__(self, cfg: LLaDAConfig):
        super().__init__()
        self.wte = nn.Embedding(cfg.embedding_size, cfg.d_model)            # (embedding_size, d)
        self.blocks = nn.ModuleList(LLaDABlock(cfg) for _ in range(cfg.n_layers))
        self.ln_f = RMSNorm(cfg.d_model, cfg.rms_norm_eps)
        if not cfg.weight_tying:
            self.ff_out = nn.Linear(cfg.d_model, cfg.embedding_size, bias=False)  # (embedding_size, d)


class _Outer(nn.Module):
    def __init__(self, cfg: LLaDAConfig):
        super().__init__()
        self.transformer = _Transformer(cfg)


class LLaDAModel(nn.Module):
    def __init__(self, cfg: LLaDAConfig, init_std: float = 0.02):
        super().__init__()
        cfg.validate()
        self.config = cfg
        self.model = _Outer(cfg)
        self.reset_parameters(init_std)

    @property
    def transformer(self) -> _Transformer:
        return self.model.transformer

    @torch.no_grad()
    def reset_parameters(self, std: float = 0.02) -> None:
        for name, p in self.named_parameters():
            if p.is_meta:
                continue
            if p.dim() == 1:
                p.fill_(1.0)
            else:
                p.normal_(0.0, std)

    def forward(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """input_ids (B, T) long; attention_mask (B, T) bool, False = padding key. Returns logits (B, T, embedding_size)."""
        return self.logits(self.hidden_states(input_ids, attention_mask))

    def logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """The output head on final hidden states (..., d) -> (..., embedding_size); training applies it
        to the masked positions only."""
        tr = self.transformer
        head = tr.wte.weight if self.config.weight_tying else tr.ff_out.weight
        return F.linear(hidden, head)

    def hidden_states(self, input_ids: torch.Tensor, attention_mask: Optional[torch.Tensor] = None) -> torch.Tensor:
        """The final-norm hidden states (B, T, d) that the head reads."""
        cfg, tr = self.config, self.transformer
        T = input_ids.shape[1]
        cos, sin = rope_cos_sin(T, cfg.head_dim, cfg.rope_theta, device=input_ids.device)
        if attention_mask is not None:
            attention_mask = attention_mask.to(torch.bool)
        x = tr.wte(input_ids)                                                # (B, T, d)
        for block in tr.blocks:
            x = block(x, cos, sin, attention_mask)
        return tr.ln_f(x)


# ----------------------------------------------------------------------------------------------
# Checkpoint I/O (Hugging Face folder: config.json + model.safetensors or shards + index)

def load_llada(folder, dtype: torch.dtype = torch.float32) -> tuple[LLaDAConfig, LLaDAModel]:
    """Reads config.json and the weights; tensors are converted to `dtype` (fp32 by default, exact for bf16)."""
    cfg = LLaDAConfig.from_json_dict(hf_folder.read_config(folder))
    with torch.device("meta"):
        model = LLaDAModel(cfg)
    return cfg, hf_folder.load_weights(model, folder, dtype)


def save_llada(model: LLaDAModel, config: LLaDAConfig, folder, dtype: torch.dtype = torch.float32) -> None:
    """Writes config.json and model.safetensors with every tensor in `dtype`."""
    hf_folder.save_folder(model, config.to_json_dict(), folder, dtype)
