"""Plain PyTorch reference for LLaDA-MoE (inclusionAI/LLaDA-MoE-7B-A1B, `architectures ["LLaDAMoEModelLM"]`).

Written from reading dInfer's modeling code (inclusionAI/dInfer @fce4e328 `tools/modeling_fused_lladamoe.py`
and `tools/configuration_lladamoe.py`: LLaDAMoEAttention, LLaDAMoESparseMoeBlock, LLaDAMoEDecoderLayer),
OLMoE's block stack made bidirectional:

    x = embed_tokens[ids]
    per layer:
        h = RMSNorm(x) * input_layernorm                              fp32 statistics
        q, k, v = q_proj(h), k_proj(h), v_proj(h)                     no biases
        q, k = q_norm(q per head), k_norm(k per head)                 RMSNorm over head_dim, before RoPE
        RoPE on q, k ("rotate half" / NEOX, whole head, theta = rope_theta)
        x += o_proj(softmax(q k^T / sqrt(head_dim)) v)                no mask; grouped KV repeat-interleaved
        h = RMSNorm(x) * post_attention_layernorm
        p = softmax(gate(h)) in fp32 over num_experts                 the router
        keep the num_experts_per_tok largest p, NOT renormalised      (the block fixes norm_topk_prob = False)
        x += sum over kept experts e of p_e * down_e(silu(gate_e(h)) * up_e(h))
    logits = lm_head(RMSNorm(x) * norm)                               not shifted

State-dict keys are the Hugging Face names (`model.layers.N.mlp.experts.E.gate_proj.weight`,
`model.layers.N.mlp.gate.weight`, `model.layers.N.self_attn.q_norm.weight`), so `save_llada_moe`
writes a folder laid out like a hub download (config.json keeps `model_type "llada"`, as shipped).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

sys.path.insert(0, str(Path(__file__).resolve().parent))
from llada_reference import RMSNorm, apply_rope, attention, rope_cos_sin  # noqa: E402  same maths as LLaDA


@dataclass
class LLaDAMoEConfig:
    """Field names are LLaDA-MoE's config.json keys; defaults are LLaDA-MoE-7B-A1B's where known."""
    hidden_size: int = 2048
    num_hidden_layers: int = 16
    num_attention_heads: int = 16
    num_key_value_heads: int = 16
    expert_intermediate_size: int = 1024
    num_experts: int = 64
    num_experts_per_tok: int = 8
    vocab_size: int = 157184
    max_position_embeddings: int = 8192
    rope_theta: float = 50000.0
    rms_norm_eps: float = 1e-5
    qk_layernorm: bool = True
    norm_topk_prob: bool = False
    partial_rotary_factor: float = 1.0
    tie_word_embeddings: bool = False
    mask_token_id: int = 156895
    eos_token_id: int = 156892
    pad_token_id: int = 156892
    hidden_act: str = "silu"
    model_type: str = "llada"

    @property
    def head_dim(self) -> int:
        return self.hidden_size // self.num_attention_heads

    def to_json_dict(self) -> dict:
        return {"architectures": ["LLaDAMoEModelLM"], **dataclasses.asdict(self)}

    @classmethod
    def from_json_dict(cls, d: dict) -> "LLaDAMoEConfig":
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in known})


class LLaDAMoEAttention(nn.Module):
    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        self.cfg = cfg
        d, hd = cfg.hidden_size, cfg.head_dim
        self.q_proj = nn.Linear(d, cfg.num_attention_heads * hd, bias=False)    # (H*hd, d)
        self.k_proj = nn.Linear(d, cfg.num_key_value_heads * hd, bias=False)    # (Hkv*hd, d)
        self.v_proj = nn.Linear(d, cfg.num_key_value_heads * hd, bias=False)    # (Hkv*hd, d)
        self.o_proj = nn.Linear(cfg.num_attention_heads * hd, d, bias=False)    # (d, H*hd)
        self.q_norm = RMSNorm(hd, cfg.rms_norm_eps)                             # (hd,) shared by all heads
        self.k_norm = RMSNorm(hd, cfg.rms_norm_eps)

    def forward(self, h: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        cfg = self.cfg
        B, T, _ = h.shape
        hd, H, Hkv = cfg.head_dim, cfg.num_attention_heads, cfg.num_key_value_heads
        q = self.q_norm(self.q_proj(h).view(B, T, H, hd)).transpose(1, 2)      # (B, H, T, hd)
        k = self.k_norm(self.k_proj(h).view(B, T, Hkv, hd)).transpose(1, 2)    # (B, Hkv, T, hd)
        v = self.v_proj(h).view(B, T, Hkv, hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        k = k.repeat_interleave(H // Hkv, dim=1)                                # repeat_kv
        v = v.repeat_interleave(H // Hkv, dim=1)
        att = attention(q, k, v, None)                                          # bidirectional
        return self.o_proj(att.transpose(1, 2).reshape(B, T, H * hd))


class LLaDAMoEExpert(nn.Module):
    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        self.gate_proj = nn.Linear(cfg.hidden_size, cfg.expert_intermediate_size, bias=False)
        self.up_proj = nn.Linear(cfg.hidden_size, cfg.expert_intermediate_size, bias=False)
        self.down_proj = nn.Linear(cfg.expert_intermediate_size, cfg.hidden_size, bias=False)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class LLaDAMoESparseBlock(nn.Module):
    """Softmax router, top-k experts weighted by their (unrenormalised) probabilities."""

    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        self.cfg = cfg
        self.gate = nn.Linear(cfg.hidden_size, cfg.num_experts, bias=False)      # (E, d) router
        self.experts = nn.ModuleList(LLaDAMoEExpert(cfg) for _ in range(cfg.num_experts))

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        B, T, d = h.shape
        flat = h.reshape(-1, d)                                                  # (N, d)
        p = F.softmax(self.gate(flat), dim=-1, dtype=torch.float32)              # (N, E)
        weights, chosen = torch.topk(p, self.cfg.num_experts_per_tok, dim=-1)    # (N, k)
        out = torch.zeros_like(flat)
        for e, expert in enumerate(self.experts):
            rows, slot = torch.where(chosen == e)
            if rows.numel():
                out.index_add_(0, rows, expert(flat[rows]) * weights[rows, slot, None])
        return out.view(B, T, d)


class LLaDAMoEDecoderLayer(nn.Module):
    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        self.input_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.self_attn = LLaDAMoEAttention(cfg)
        self.post_attention_layernorm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)
        self.mlp = LLaDAMoESparseBlock(cfg)

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
        x = x + self.self_attn(self.input_layernorm(x), cos, sin)
        return x + self.mlp(self.post_attention_layernorm(x))


class LLaDAMoEBaseModel(nn.Module):
    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        self.embed_tokens = nn.Embedding(cfg.vocab_size, cfg.hidden_size)       # (vocab, d)
        self.layers = nn.ModuleList(LLaDAMoEDecoderLayer(cfg) for _ in range(cfg.num_hidden_layers))
        self.norm = RMSNorm(cfg.hidden_size, cfg.rms_norm_eps)


class LLaDAMoEModel(nn.Module):
    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        if cfg.hidden_size % cfg.num_attention_heads or cfg.num_attention_heads % cfg.num_key_value_heads:
            raise ValueError("hidden_size must divide into heads, heads into kv heads")
        if cfg.norm_topk_prob or cfg.partial_rotary_factor != 1 or not cfg.qk_layernorm:
            raise ValueError("this reference models LLaDA-MoE-7B-A1B's settings only")
        self.config = cfg
        self.model = LLaDAMoEBaseModel(cfg)
        if not cfg.tie_word_embeddings:
            self.lm_head = nn.Linear(cfg.hidden_size, cfg.vocab_size, bias=False)  # (vocab, d)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        """input_ids (B, T) long -> logits (B, T, vocab), each position predicted in place."""
        cfg, m = self.config, self.model
        cos, sin = rope_cos_sin(input_ids.shape[1], cfg.head_dim, cfg.rope_theta, device=input_ids.device)
        x = m.embed_tokens(input_ids)
        for layer in m.layers:
            x = layer(x, cos, sin)
        x = m.norm(x)
        head = m.embed_tokens.weight if cfg.tie_word_embeddings else self.lm_head.weight
        return F.linear(x, head)


def save_llada_moe(model: LLaDAMoEModel, folder, dtype: torch.dtype = torch.float32) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.json").write_text(json.dumps(model.config.to_json_dict(), indent=2) + "\n")
    tensors = {k: v.detach().to(dtype).contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(folder / "model.safetensors"), metadata={"format": "pt"})


def load_llada_moe(folder, dtype: torch.dtype = torch.float32) -> tuple[LLaDAMoEConfig, LLaDAMoEModel]:
    folder = Path(folder)
    cfg = LLaDAMoEConfig.from_json_dict(json.loads((folder / "config.json").read_text()))
    with torch.device("meta"):
        model = LLaDAMoEModel(cfg)
    tensors = {k: v.to(dtype) for k, v in load_file(str(folder / "model.safetensors")).items()}
    model.load_state_dict(tensors, strict=True, assign=True)
    return cfg, model.eval()
