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

import sys
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))
from dscope_server import decoder_stack  # noqa: E402
from dscope_server.decoder_stack import BidirectionalAttention, BidirectionalLM, DecoderLayer, HFConfig, SwiGLU  # noqa: E402


@dataclass
class LLaDAMoEConfig(HFConfig):
    """Field names are LLaDA-MoE's config.json keys; defaults are LLaDA-MoE-7B-A1B's where known."""
    ARCHITECTURES = ("LLaDAMoEModelLM",)
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


class LLaDAMoESparseBlock(nn.Module):
    """Softmax router, top-k experts weighted by their (unrenormalised) probabilities."""

    def __init__(self, cfg: LLaDAMoEConfig):
        super().__init__()
        self.cfg = cfg
        self.gate = nn.Linear(cfg.hidden_size, cfg.num_experts, bias=False)      # (E, d) router
        self.experts = nn.ModuleList(SwiGLU(cfg.hidden_size, cfg.expert_intermediate_size)
                                     for _ in range(cfg.num_experts))

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


class LLaDAMoEModel(BidirectionalLM):
    """OLMoE's block stack with per-head QK-norm, made bidirectional; logits not shifted."""

    def __init__(self, cfg: LLaDAMoEConfig):
        if cfg.norm_topk_prob or cfg.partial_rotary_factor != 1 or not cfg.qk_layernorm:
            raise ValueError("this reference models LLaDA-MoE-7B-A1B's settings only")
        super().__init__(cfg, lambda: DecoderLayer(cfg, BidirectionalAttention(cfg, qkv_bias=False, qk_norm=True),
                                                   LLaDAMoESparseBlock(cfg)))


def save_llada_moe(model: LLaDAMoEModel, folder, dtype: torch.dtype = torch.float32) -> None:
    decoder_stack.save(model, folder, dtype)


def load_llada_moe(folder, dtype: torch.dtype = torch.float32) -> tuple[LLaDAMoEConfig, LLaDAMoEModel]:
    return decoder_stack.load(LLaDAMoEConfig, LLaDAMoEModel, folder, dtype)
