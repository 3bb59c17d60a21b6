"""The bidirectional Qwen2/OLMoE-style decoder that Dream and LLaDA-MoE share, under the hub's tensor
names (`model.embed_tokens`, `model.layers.N.{input_layernorm,self_attn,post_attention_layernorm,mlp}`,
`model.norm`, `lm_head`):

    x = embed_tokens[ids]
    per layer:
        h = RMSNorm(x) * input_layernorm
        q, k, v = q_proj(h), k_proj(h), v_proj(h)          bias when the family has one
        q, k = RMSNorm_head(q) * q_norm, … * k_norm        families with QK-norm, before RoPE
        RoPE "rotate half" over the whole head, positions 0..T-1
        x += o_proj(softmax(q k^T / sqrt(head_dim)) v)     no mask; query head h reads kv head h // group
        h = RMSNorm(x) * post_attention_layernorm
        x += mlp(h)                                        SwiGLU, or the family's mixture of experts
    logits = lm_head(RMSNorm(x) * norm)                    embed_tokens when tie_word_embeddings

A family supplies its config dataclass (`HFConfig` fields named as in its config.json) and its MLP.
"""

from __future__ import annotations

import dataclasses
from typing import Callable

import torch
import torch.nn as nn
import torch.nn.functional as F

from . import hf_folder
from .llada_reference import RMSNorm, apply_rope, attention, rope_cos_sin


class HFConfig:
    """Mixin for a config dataclass keyed by config.json's names; `ARCHITECTURES` names the model class."""
    ARCHITECTURES: tuple[str, ...] = ()

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_json_dict(self) -> dict:
        return {"architectures": list(self.ARCHITECTURES), **dataclasses.asdict(self)}

    @classmethod
    def from_json_dict(cls, d: dict):
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


class SwiGLU(nn.Module):
    def __init__(self, d: int, hidden: int):
        super().__init__()
        self.gate_proj = nn.Linear(d, hidden, bias=False)                      # (hidden, d)
        self.up_proj = nn.Linear(d, hidden, bias=False)                        # (hidden, d)
        self.down_proj = nn.Linear(hidden, d, bias=False)                      # (d, hidden)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class BidirectionalAttention(nn.Module):
    def __init__(self, cfg, qkv_bias: bool, qk_norm: bool):
        super().__init__()
        self.cfg, self.qk_norm = cfg, qk_norm
        d, hd = cfg.hidden_size, cfg.head_dim
        self.q_proj = nn.Linear(d, cfg.num_attention_heads * hd, bias=qkv_bias)    # (H*hd, d)
        self.k_proj = nn.Linear(d, cfg.num_key_value_heads * hd, bias=qkv_bias)    # (Hkv*hd, d)
        self.v_proj = nn.Linear(d, cfg.num_key_value_heads * hd, bias=qkv_bias)    # (Hkv*hd, d)
        self.o_proj = nn.Linear(cfg.num_attention_heads * hd, d, bias=False)       # (d, H*hd)
        if qk_norm:
            self.q_norm = RMSNorm(hd, cfg.rms_norm_eps)                             # (hd,) shared by all heads
            self.k_norm = RMSNorm(hd, cfg.rms_norm_eps)

    def forward(self, h: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        B, T, _ = h.shape
        hd, H, Hkv = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads
        q = self.q_proj(h).view(B, T, H, hd)
        k = self.k_proj(h).view(B, T, Hkv, hd)
        if self.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k = q.transpose(1, 2), k.transpose(1, 2)                                # (B, H|Hkv, T, hd)
        v = self.v_proj(h).view(B, T, Hkv, hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k = k.repeat_interleave(H // Hkv, dim=1)                                   # repeat_kv
        v = v.repeat_interleave(H // Hkv, dim=1)
        att = attention(q, k, v, None)
        return self.o_proj(att.transpose(1, 2).reshape(B, T, H * hd))


class DecoderLayer(nn.Module):
    def __init__(self, cfg, attention: nn.Module, mlp: nn.Module):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.self_attn = attention
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = mlp

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class DecoderBody(nn.Module):
    def __init__(self, cfg, make_layer: Callable[[], DecoderLayer]):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)         # (vocab, d)
        self.layers = nn.ModuleList(make_layer() for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class BidirectionalLM(nn.Module):
    """`forward` returns the logits (B, T, vocab) of every position in place (a family that shifts
    its logits does so in its decoding loop)."""

    def __init__(self, cfg, make_layer: Callable[[], DecoderLayer]):
        super().__init__()
        if cfg.hidden_size % cfg.num_attention_heads or cfg.num_attention_heads % cfg.num_key_value_heads:
            raise ValueError("hidden_size must divide into heads, heads into kv heads")
        self.config = cfg
        self.model = DecoderBody(cfg, make_layer)
        if not cfg.tie_word_embeddings:
            self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)  # (vocab, d)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        cfg, m = self.config, self.model
        cos, sin = rope_cos_sin(input_ids.shape[1], cfg.head_dim, cfg.rope_theta, device=input_ids.device)
        x = m.embed_tokens(input_ids)
        for layer in m.layers:
            x = layer(x, cos, sin)
        x = m.norm(x)
        head = m.embed_tokens.weight if cfg.tie_word_embeddings else self.lm_head.weight
        return F.linear(x, head)


def save(model: BidirectionalLM, folder, dtype: torch.dtype) -> None:
    hf_folder.save_folder(model, model.config.to_json_dict(), folder, dtype)


def load(config_type, model_type, folder, dtype: torch.dtype = torch.float32):
    """(config, model in eval mode) of a folder, built on the meta device and filled from its tensors."""
    cfg = config_type.from_json_dict(hf_folder.read_config(folder))
    with torch.device("meta"):
        model = model_type(cfg)
    return cfg, hf_folder.load_weights(model, folder, dtype)
