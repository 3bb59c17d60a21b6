"""Plain PyTorch reference for the Dream architecture (HKUNLP/Dream-v0, `model_type "Dream"`).

Written from the public facts of Dream's modeling code, which is Qwen2's decoder made bidirectional:

    x = embed_tokens[ids]                                       no embedding scaling
    per layer:
        h = RMSNorm(x) * input_layernorm                        fp32 statistics
        q, k, v = q_proj(h), k_proj(h), v_proj(h)               Linear WITH bias (o_proj has none)
        RoPE on q, k ("rotate half", inv_freq = rope_theta^(-2i/head_dim), positions 0..T-1)
        x += o_proj(softmax(q k^T / sqrt(head_dim)) v)          no causal mask; grouped KV: query
                                                                head h reads kv head h // group
        h = RMSNorm(x) * post_attention_layernorm
        x += down_proj(silu(gate_proj(h)) * up_proj(h))
    logits = lm_head(RMSNorm(x) * norm)                         embed_tokens when tie_word_embeddings

Dream was initialised from an autoregressive model, so the logits row of position i-1 is the
prediction for position i (`shift_logits`; position 0 keeps its own row). Mask token 151666.

State-dict keys are the Hugging Face names (`model.layers.N.self_attn.q_proj.weight`, `lm_head.weight`),
so `save_dream` writes a folder laid out like a hub download.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

from .llada_reference import RMSNorm, apply_rope, attention, rope_cos_sin  # same maths as LLaDA


@dataclass
class DreamConfig:
    """Field names are Dream's config.json keys; defaults are Dream-v0-Instruct-7B's."""
    hidden_size: int = 3584
    intermediate_size: int = 18944
    num_hidden_layers: int = 28
    num_attention_heads: int = 28
    num_key_value_heads: int = 4
    vocab_size: int = 152064
    max_position_embeddings: int = 131072
    rope_theta: float = 1000000.0
    rms_norm_eps: float = 1e-6
    tie_word_embeddings: bool = False
    mask_token_id: int = 151666
    pad_token_id: int = 151643
    bos_token_id: int = 151643
    eos_token_id: int = 151643
    hidden_act: str = "silu"
    rope_scaling: None = None
    model_type: str = "Dream"

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_json_dict(self) -> dict:
        return {"architectures": ["DreamModel"], **dataclasses.asdict(self)}

    @classmethod
    def from_json_dict(cls, d: dict) -> "DreamConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


class DreamAttention(nn.Module):
    def __init__(self, cfg: DreamConfig):
        super().__init__()
        self.cfg = cfg
        d, hd = cfg.hidden_size, cfg.head_dim
        self.q_proj = nn.Linear(d, cfg.num_attention_heads * hd, bias=True)     # (H*hd, d) + (H*hd,)
        self.k_proj = nn.Linear(d, cfg.num_key_value_heads * hd, bias=True)     # (Hkv*hd, d) + (Hkv*hd,)
        self.v_proj = nn.Linear(d, cfg.num_key_value_heads * hd, bias=True)     # (Hkv*hd, d) + (Hkv*hd,)
        self.o_proj = nn.Linear(cfg.num_attention_heads * hd, d, bias=False)    # (d, H*hd)

    def forward(self, h: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        B, T, _ = h.shape
        hd, H, Hkv = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads
        q = self.q_proj(h).view(B, T, H, hd).transpose(1, 2)        # (B, H, T, hd)
        k = self.k_proj(h).view(B, T, Hkv, hd).transpose(1, 2)      # (B, Hkv, T, hd)
        v = self.v_proj(h).view(B, T, Hkv, hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k = k.repeat_interleave(H // Hkv, dim=1)                    # repeat_kv
        v = v.repeat_interleave(H // Hkv, dim=1)
        att = attention(q, k, v, None)                              # bidirectional
        return self.o_proj(att.transpose(1, 2).reshape(B, T, H * hd))


class DreamMLP(nn.Module):
    def __init__(self, cfg: DreamConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class DreamDecoderLayer(nn.Module):
    def __init__(self, cfg: DreamConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.self_attn = DreamAttention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = DreamMLP(cfg)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class DreamBaseModel(nn.Module):
    def __init__(self, cfg: DreamConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)     # (vocab, d)
        self.layers = nn.ModuleList(DreamDecoderLayer(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class DreamModel(nn.Module):
    def __init__(self, cfg: DreamConfig):
        super().__init__()
        if cfg.hidden_size % cfg.num_attention_heads or cfg.num_attention_heads % cfg.num_key_value_heads:
            raise ValueError("hidden_size must divide into heads, heads into kv heads")
        self.config = cfg
        self.model = DreamBaseModel(cfg)
        if not cfg.tie_word_embeddings:
            self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)  # (vocab, d)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """input_ids (B, T) long -> logits (B, T, vocab), unshifted: row i is read for position i+1."""
        cfg, m = self.config, self.model
        cos, sin = rope_cos_sin(input_ids.shape[1], cfg.head_dim, cfg.rope_theta, device=input_ids.device)
        x = m.embed_tokens(input_ids)
        for layer in m.layers:
            x = layer(x, cos, sin)
        x = m.norm(x)
        head = m.embed_tokens.weight if cfg.tie_word_embeddings else self.lm_head.weight
        return F.linear(x, head)


def shift_logits(logits: torch.Tensor) -> torch.Tensor:
    """Dream's generate(): position i reads row i-1, position 0 reads row 0."""
    return torch.cat([logits[:, :1], logits[:, :-1]], dim=1)


def save_dream(model: DreamModel, folder, dtype: torch.dtype = torch.bfloat16) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(model.config.to_json_dict(), indent=2) + "\n")
    tensors = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})


def load_dream(folder, dtype: torch.dtype = torch.float32) -> tuple[DreamConfig, DreamModel]:
    folder = Path(folder)
    cfg = DreamConfig.from_json_dict(json.loads((folder / "config.json").read_text()))
    with torch.device("meta"):
        model = DreamModel(cfg)
    tensors = {k: v.to(dtype) for k, v in load_file(str(folder / "model.safetensors")).items()}
    model.load_state_dict(tensors, strict=True, assign=True)
    return cfg, model.eval()
